/**
 * `proxmox shell` and `proxmox console` with stdin not a terminal (a script's pipe), and
 * `proxmox vnc` forwarding a local port, through the built binary against the simulator
 * over real TLS. Server side after pve-xtermjs termproxy/src/main.rs (the terminal
 * framing), qemu-server PVE/API2/Qemu.pm vncproxy (a one-time password per proxy) and
 * RFC 6143 (the RFB handshake a viewer makes).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { ByteReader, desResponse } from '../console/helpers.js';
import { baseEnv, cliBin, connectFlags, proxmox, tempConfigHome } from './helpers.js';

let sim: RunningSimulator;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  await cliBin();
  sim = await startSimulator({ taskDurationMs: 20 });
  env = baseEnv(await tempConfigHome(), { PROXMOX_PASSWORD: 'proxmox' });
});
afterAll(() => sim?.close());

const cli = ([command, ...rest]: string[], input?: string) =>
  proxmox([command!, ...connectFlags(sim), ...rest], { env, ...(input === undefined ? {} : { input }) });

function firstGuest(type: 'qemu' | 'lxc') {
  for (const g of sim.engine.cluster.guests.values())
    if (g.type === type && g.status === 'running')
      return { vmid: g.vmid, node: g.node, name: sim.engine.cluster.guestName(g) };
  throw new Error(`no running ${type} guest`);
}

describe('consoles with piped input', () => {
  it('a script pipes commands into a node shell; the end of input ends the shell (Ctrl-D), exit 0', async () => {
    const r = await cli(['shell', 'pve1'], 'hostname\nwhoami\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\r\npve1\r\n');
    expect(r.stdout).toContain('\r\nroot\r\n');
    expect(r.stdout).toMatch(/logout\r\n$/);
    // No escape handling and no notes on a pipe: Ctrl-] q is just two bytes of input.
    expect(r.stderr).toBe('');
  });

  it('the mock backend has no websocket: a usage error, not a hang', async () => {
    const r = await proxmox(['shell', 'pve1', '--backend', 'mock', '--user', 'root@pam'], { env, input: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('consoles need the https backend');
  });

  it('no such guest is exit 4; a missing argument exit 2', async () => {
    expect((await cli(['console', '99999'], '')).code).toBe(4);
    expect((await cli(['console'], '')).code).toBe(2);
    expect((await cli(['shell'], '')).code).toBe(2);
    const ct = firstGuest('lxc');
    expect((await cli(['console', String(ct.vmid), '--serial', 'serial0'], '')).code).toBe(2);
  });
});

/** `proxmox vnc` as a background process; resolves with the port once it listens. */
async function startVnc(args: string[]) {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [await cliBin(), 'vnc', ...connectFlags(sim), ...args],
    { env },
  );
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const waitOut = async (re: RegExp, nth = 1): Promise<RegExpMatchArray> => {
    for (let i = 0; i < 200; i++) {
      const all = [...out.matchAll(new RegExp(re, 'g'))];
      if (all.length >= nth) return all[nth - 1]!;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${re} in the output: ${out} / ${err}`);
  };
  const port = Number((await waitOut(/Listening on 127\.0\.0\.1:(\d+)/))[1]);
  return { child, port, exited, waitOut, output: () => ({ out, err }) };
}

/** A viewer's side of RFB up to ServerInit; returns the framebuffer size and name. */
async function viewer(port: number, password: () => Promise<string>) {
  const socket = connect(port, '127.0.0.1');
  const rd = new ByteReader(socket);
  expect((await rd.read(12)).toString('latin1')).toBe('RFB 003.008\n');
  socket.write('RFB 003.008\n');
  expect([...(await rd.read(2))]).toEqual([1, 2]);
  socket.write(Buffer.from([2]));
  const challenge = await rd.read(16);
  socket.write(desResponse(await password(), challenge));
  const result = (await rd.read(4)).readUInt32BE(0);
  socket.write(Buffer.from([1]));
  const init = await rd.read(24);
  const name = (await rd.read(init.readUInt32BE(20))).toString();
  return { socket, result, width: init.readUInt16BE(0), height: init.readUInt16BE(2), name };
}

describe('proxmox console of a VM', () => {
  it('without a serial port set to socket: a clear error with the fix, before any terminal opens (qm terminal would only print it inside)', async () => {
    const vm = firstGuest('qemu');
    const r = await cli(['console', String(vm.vmid)], '');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`VM ${vm.vmid} has no serial port set to socket`);
    expect(r.stderr).toContain(`proxmox set /nodes/${vm.node}/qemu/${vm.vmid}/config -serial0 socket`);
    sim.engine.cluster.guests.get(vm.vmid)!.config.serial1 = 'socket';
    const wrong = await cli(['console', String(vm.vmid), '--serial', 'serial2'], '');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('serial2 is not configured');
    // A display of type serialN names the port when --serial does not (Qemu.pm termproxy reads vga).
    sim.engine.cluster.guests.get(vm.vmid)!.config.vga = 'serial3';
    const byVga = await cli(['console', String(vm.vmid)], '');
    expect(byVga.code).toBe(1);
    expect(byVga.stderr).toContain('serial3 is not configured');
    delete sim.engine.cluster.guests.get(vm.vmid)!.config.vga;
    // With one, the piped session reaches the getty (qemu-server's termproxy runs qm terminal).
    const ok = await cli(['console', String(vm.vmid)], 'root\n');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('starting serial terminal on interface serial1');
    expect(ok.stdout).toContain('login: ');
    delete sim.engine.cluster.guests.get(vm.vmid)!.config.serial1;
  });
});

describe('proxmox vnc', () => {
  it('a viewer on the local port gets the RFB handshake, and the printed password opens the display', async () => {
    const vm = firstGuest('qemu');
    const vnc = await startVnc([String(vm.vmid), '--listen', '127.0.0.1:0', '--once']);
    const v = await viewer(vnc.port, async () => (await vnc.waitOut(/VNC password (\S+)/))[1]!);
    expect(v).toMatchObject({ result: 0, width: 640, height: 480, name: vm.name });
    v.socket.end();
    expect(await vnc.exited).toBe(0);
    expect(vnc.output().out).toMatch(/connection from 127\.0\.0\.1:\d+: closed/);
  });

  it('each connection opens its own vncproxy, with its own password; Ctrl-C stops it with exit 0', async () => {
    const vm = firstGuest('qemu');
    const vnc = await startVnc([vm.name, '--listen', '0']);
    const first = await viewer(vnc.port, async () => (await vnc.waitOut(/VNC password (\S+)/, 1))[1]!);
    const second = await viewer(vnc.port, async () => (await vnc.waitOut(/VNC password (\S+)/, 2))[1]!);
    expect([first.result, second.result]).toEqual([0, 0]);
    const passwords = [...vnc.output().out.matchAll(/VNC password (\S+)/g)].map((m) => m[1]);
    expect(new Set(passwords).size).toBe(2);
    first.socket.destroy();
    second.socket.destroy();
    vnc.child.kill('SIGINT');
    expect(await vnc.exited).toBe(0);
  });

  it('a taken port or a bad --listen is a usage error (exit 2)', async () => {
    const vm = firstGuest('qemu');
    const vnc = await startVnc([String(vm.vmid), '--listen', '127.0.0.1:0']);
    const taken = await cli(['vnc', String(vm.vmid), '--listen', `127.0.0.1:${vnc.port}`]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('the port is taken');
    vnc.child.kill('SIGINT');
    await vnc.exited;
    expect((await cli(['vnc', String(vm.vmid), '--listen', 'nonsense'])).code).toBe(2);
  });
});
