/**
 * `proxmox console <vmid>` (a VM's serial console or a container's console, by the guest's
 * type) and `proxmox shell <node>`: the remote terminal in the user's own (terminal/interactive.ts).
 * The exit status is 0 when the remote side ends the session or the user leaves it; the
 * terminal protocol carries no exit status of the remote shell.
 */
import { UsageError } from '../args.js';
import { CliError, EXIT } from '../exit-codes.js';
import { secondsOption } from '../guest/seconds.js';
import { checkSerialPort } from '../guest/serial-port.js';
import { withSession } from '../guest/session.js';
import { findGuest } from '../guest/target.js';
import type { TerminalChannel } from '../terminal/channels.js';
import { consoleApi } from '../terminal/console-api.js';
import { describeEscapeKey, parseEscapeKey } from '../terminal/escape.js';
import { runInteractive } from '../terminal/interactive.js';
import { ownCommandLine } from './command-line.js';

const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

export async function run(
  argv: string[],
  name = 'console',
  globals: readonly string[] = [],
): Promise<number> {
  const parsed = ownCommandLine(name, argv, globals);
  if (parsed === undefined) return EXIT.OK;
  const o = parsed.options;
  const [ref, ...extra] = parsed.positionals;
  if (ref === undefined)
    throw new UsageError(name === 'shell' ? 'missing the node' : 'missing the guest: a VMID or a name');
  if (extra.length > 0) throw new UsageError(`too many arguments: ${extra.join(' ')}`);
  const escapeKey = parseEscapeKey(typeof o.escape === 'string' ? o.escape : undefined);
  const tty = process.stdin.isTTY === true;
  const quietMs = secondsOption(o, 'quiet-after', 2000);
  const size =
    process.stdout.isTTY && process.stdout.columns > 0
      ? { cols: process.stdout.columns, rows: process.stdout.rows }
      : {};
  return withSession(o, async (session) => {
    const api = consoleApi(session.px);
    const signal = session.signal;
    let channel: TerminalChannel;
    let label: string;
    if (name === 'shell') {
      channel = await api.shell(ref, { ...size, signal });
      label = `a shell on node ${ref}`;
    } else {
      const guest = await findGuest(session, ref);
      if (typeof o.node === 'string' && o.node !== guest.node)
        throw new UsageError(`guest ${guest.vmid} is on node '${guest.node}', not '${o.node}'`);
      const serial = typeof o.serial === 'string' ? { serial: o.serial } : {};
      if (serial.serial !== undefined && guest.type !== 'qemu')
        throw new UsageError(`--serial: guest ${guest.vmid} is a container; it has one console`);
      if (guest.type === 'qemu') await checkSerialPort(session, guest, serial.serial);
      channel = await api.guest(guest, { ...size, ...serial, signal });
      label =
        guest.type === 'qemu'
          ? `the serial console of VM ${guest.vmid} (${guest.name})`
          : `the console of container ${guest.vmid} (${guest.name})`;
    }
    if (tty) {
      const how =
        escapeKey === undefined
          ? 'end the remote session to leave'
          : `leave with ${describeEscapeKey(escapeKey)} q`;
      io.stderr.write(`Connected to ${label}; ${how}.\r\n`);
    }
    const interrupted = () => channel.destroy(new CliError('interrupted', EXIT.INTERRUPTED));
    signal.addEventListener('abort', interrupted, { once: true });
    try {
      const end = await runInteractive(channel, escapeKey, io, quietMs);
      if (tty)
        io.stderr.write(end === 'left' ? '\r\n[left the console]\r\n' : '\r\n[the console closed]\r\n');
      return EXIT.OK;
    } finally {
      signal.removeEventListener('abort', interrupted);
      channel.destroy();
    }
  });
}
