/**
 * A guest's console when the guest stops under it, through the SDK's console stream against
 * the simulator over TLS. What the user sees follows qemu-server PVE/API2/Qemu.pm termproxy
 * (termproxy runs `qm terminal`), PVE/CLI/qm.pm terminal (socat on the VM's serial socket,
 * which closes with the QEMU process), pve-container's termproxy (lxc-console under
 * `dtach -A`, whose client prints "[EOF - dtach terminating]" when its master ends), pve-xtermjs
 * termproxy/src/main.rs (EIO on the pty: exit 1) and pve-http-server AnyEvent.pm
 * websocket_proxy (pveproxy drops the connection when termproxy goes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxmoxSDK } from '../../src/index.js';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { rootClient, Screen, simulator } from './helpers.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(async () => {
  await sim.close();
});

type Status = { status: string; exitstatus?: string };
const taskStatus = (px: ProxmoxSDK, upid: string) =>
  px.request('GET /nodes/{node}/tasks/{upid}/status', { node: 'pve1', upid }) as Promise<Status>;

/** The stream's end, and whether an error came with it. */
function endOf(stream: NodeJS.EventEmitter): Promise<{ error: unknown }> {
  return new Promise((resolve) => {
    let error: unknown;
    stream.on('error', (e) => {
      error = e;
    });
    stream.on('close', () => resolve({ error }));
  });
}

describe('a console whose guest stops', () => {
  it('VM serial console, guest stopped: the stream ends without an error and without a word; the task fails as termproxy does', async () => {
    await using px = rootClient(sim);
    const vm = { node: 'pve1', vmid: 106 };
    await px.request('POST /nodes/{node}/qemu/{vmid}/status/stop', vm, { wait: true }).catch(() => undefined);
    await px.request('PUT /nodes/{node}/qemu/{vmid}/config', { ...vm, serial0: 'socket' });
    await px.request('POST /nodes/{node}/qemu/{vmid}/status/start', vm, { wait: true });
    const term = await px.consoles.terminal({ ...vm, type: 'qemu' });
    const screen = new Screen(term);
    const end = endOf(term);
    await screen.waitFor('dns-06 login: ');
    const before = screen.text;

    await px.request('POST /nodes/{node}/qemu/{vmid}/status/stop', vm, { wait: true });
    expect(await end).toEqual({ error: undefined });
    expect(screen.ended).toBe(true);
    // socat and qm terminal leave without printing anything.
    expect(screen.text).toBe(before);
    const done = await taskStatus(px, term.upid);
    expect(done.status).toBe('stopped');
    expect(done.exitstatus).toMatch(/-- \/usr\/sbin\/qm terminal 106 -escape 0' failed: exit code 1$/);

    // Started again, the VM has a console again; a stop of another guest leaves it alone.
    await px.request('POST /nodes/{node}/qemu/{vmid}/status/start', vm, { wait: true });
    const again = await px.consoles.terminal({ ...vm, type: 'qemu' });
    const s2 = new Screen(again);
    await s2.waitFor('dns-06 login: ');
    await px.request(
      'POST /nodes/{node}/lxc/{vmid}/status/stop',
      { node: 'pve1', vmid: 109 },
      { wait: true },
    );
    again.write('root\r');
    await s2.waitFor('Password: ');
    expect(s2.ended).toBe(false);
    again.destroy();
    await px.request(
      'POST /nodes/{node}/lxc/{vmid}/status/start',
      { node: 'pve1', vmid: 109 },
      { wait: true },
    );
  });

  it('container console, guest shut down: dtach says "[EOF - dtach terminating]", then the stream ends', async () => {
    await using px = rootClient(sim);
    const term = await px.consoles.terminal({ node: 'pve1', vmid: 109, type: 'lxc' });
    const screen = new Screen(term);
    const end = endOf(term);
    await screen.waitFor('git-09 login: ');
    await px.request(
      'POST /nodes/{node}/lxc/{vmid}/status/shutdown',
      { node: 'pve1', vmid: 109 },
      { wait: true },
    );
    expect(await end).toEqual({ error: undefined });
    expect(screen.text.endsWith('\x1b[999H\r\n[EOF - dtach terminating]\r\n\x1b[?25h')).toBe(true);
    expect((await taskStatus(px, term.upid)).exitstatus).toMatch(
      /-- \/usr\/bin\/dtach -A \/var\/run\/dtach\/vzctlconsole109 -r winch -z lxc-console -n 109 -e -1' failed: exit code 1$/,
    );
    // A new console of the stopped container: lxc-console's refusal, as before.
    const late = await px.consoles.terminal({ node: 'pve1', vmid: 109, type: 'lxc' });
    const s2 = new Screen(late);
    await s2.waitFor('CT 109 not running');
    await s2.waitEnd();
  });

  it('a reboot through the API restarts the guest process: the console ends too (qemu-server vm_reboot)', async () => {
    await using px = rootClient(sim);
    const vm = { node: 'pve1', vmid: 106 };
    const term = await px.consoles.terminal({ ...vm, type: 'qemu' });
    const screen = new Screen(term);
    await screen.waitFor('dns-06 login: ');
    await px.request('POST /nodes/{node}/qemu/{vmid}/status/reboot', vm, { wait: true });
    await screen.waitEnd();
    expect((await px.request('GET /nodes/{node}/qemu/{vmid}/status/current', vm)).status).toBe('running');
  });
});
