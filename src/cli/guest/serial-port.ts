/**
 * Before opening a VM's serial console: does it have a serial port to open? `qm terminal`
 * (what termproxy runs for a VM, qemu-server PVE/CLI/qm.pm) takes the named port (or the
 * one a `vga: serialN` display names) or the first serialN set to `socket`, and otherwise prints "unable to find a serial interface"
 * inside the terminal, which then just closes: the exit status cannot say so. Reading the
 * config first turns that into a clear error with the fix. Someone who may open consoles
 * but not read configs (VM.Console without VM.Audit) is let through to termproxy.
 */
import { isResourceException } from '../../core/errors.js';
import { CliError, EXIT } from '../exit-codes.js';
import type { GuestSession } from './session.js';
import type { GuestTarget } from './target.js';

const PORTS = ['serial0', 'serial1', 'serial2', 'serial3'];

export async function checkSerialPort(
  session: GuestSession,
  vm: GuestTarget,
  serial: string | undefined,
): Promise<void> {
  let config: Record<string, unknown>;
  try {
    config = await session.px.request(
      'GET /nodes/{node}/qemu/{vmid}/config',
      { node: vm.node, vmid: vm.vmid },
      { signal: session.signal },
    );
  } catch (error) {
    if (isResourceException(error) && error.statusCode === 403) return;
    throw error;
  }
  // Without --serial, a display of type serialN names the port (qemu-server Qemu.pm termproxy).
  const vga = /(?:^|,)(?:type=)?(serial\d)(?:,|$)/.exec(String(config.vga ?? ''))?.[1];
  serial ??= vga;
  const fix = `proxmox set /nodes/${vm.node}/qemu/${vm.vmid}/config -${serial ?? 'serial0'} socket`;
  const hint = `(${fix}, restart the VM, and run a getty on that port in the guest)`;
  if (serial === undefined) {
    if (PORTS.some((p) => config[p] === 'socket')) return;
    throw new CliError(`VM ${vm.vmid} has no serial port set to socket ${hint}`, EXIT.SERVER_ERROR);
  }
  if (!PORTS.includes(serial))
    throw new CliError(`--serial: expected serial0 .. serial3, got '${serial}'`, EXIT.USAGE);
  if (config[serial] !== 'socket') {
    const is =
      config[serial] === undefined ? 'is not configured' : `is '${String(config[serial])}', not socket`;
    throw new CliError(`VM ${vm.vmid}: ${serial} ${is} ${hint}`, EXIT.SERVER_ERROR);
  }
}
