/**
 * `proxmox exec` and `proxmox agent` through the built binary against the HTTPS simulator:
 * the guest's output and exit status come through as the program's own; our failures use
 * the exit-code table. Server side after qemu-server PVE/API2/Qemu/Agent.pm (exec,
 * exec-status, file-read, file-write) and qemu qga/commands.c qmp_guest_exec_status
 * (`signal` instead of `exitcode` for a process a signal ended).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { baseEnv, cliBin, connectFlags, proxmox, tempConfigHome } from './helpers.js';

let sim: RunningSimulator;
let env: NodeJS.ProcessEnv;
const password = 'proxmox';

beforeAll(async () => {
  await cliBin();
  sim = await startSimulator({ taskDurationMs: 20 });
  env = baseEnv(await tempConfigHome(), { PROXMOX_PASSWORD: password });
});
afterAll(() => sim?.close());

/** A guest of the demo dataset: the first of this type and status. */
function guest(type: 'qemu' | 'lxc', status: 'running' | 'stopped') {
  for (const g of sim.engine.cluster.guests.values())
    if (g.type === type && g.status === status)
      return { vmid: g.vmid, node: g.node, name: sim.engine.cluster.guestName(g) };
  throw new Error(`no ${status} ${type} guest in the demo dataset`);
}

/** Connection flags right after the command's name: after `--` every word is the program's. */
const cli = ([command, ...rest]: string[], input?: string) =>
  proxmox([command!, ...connectFlags(sim), ...rest], { env, ...(input === undefined ? {} : { input }) });

describe('proxmox exec', () => {
  it("prints the program's stdout and stderr where they belong and exits with its status", async () => {
    const vm = guest('qemu', 'running');
    const ok = await cli(['exec', String(vm.vmid), '--', 'echo', 'hello', 'two words']);
    expect(ok).toEqual({ code: 0, stdout: 'hello two words\n', stderr: '' });
    const failed = await cli(['exec', String(vm.vmid), '--', 'cat', '/nope']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toBe('cat: /nope: No such file or directory\n');
    expect((await cli(['exec', String(vm.vmid), '--', 'sh', '-c', 'exit 7'])).code).toBe(7);
    const missing = await cli(['exec', String(vm.vmid), '--', 'no-such-program']);
    expect(missing.code).toBe(127);
  });

  it("--output-format json: one object for scripts (jq), the exit status still the program's", async () => {
    const vm = guest('qemu', 'running');
    const r = await cli(['exec', String(vm.vmid), '--output-format', 'json', '--', 'cat', '/nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      `${JSON.stringify({ exitcode: 1, stdout: '', stderr: 'cat: /nope: No such file or directory\n', truncated: false })}\n`,
    );
    const killed = await cli([
      'exec',
      String(vm.vmid),
      '-output-format',
      'json-pretty',
      '--',
      'sh',
      '-c',
      'kill -9 $$',
    ]);
    expect(killed.code).toBe(137);
    expect(JSON.parse(killed.stdout)).toEqual({ signal: 9, stdout: '', stderr: '', truncated: false });
    expect((await cli(['exec', String(vm.vmid), '--output-format', 'yaml', '--', 'true'])).code).toBe(2);
  });

  it('a program a signal ended exits 128+N, as a shell reports it', async () => {
    const vm = guest('qemu', 'running');
    expect((await cli(['exec', String(vm.vmid), '--', 'sh', '-c', 'kill -9 $$'])).code).toBe(137);
    expect((await cli(['exec', String(vm.vmid), '--', 'sh', '-c', 'kill -15 $$'])).code).toBe(143);
  });

  it('finds the node from the VMID or the name; --node skips the lookup', async () => {
    const vm = guest('qemu', 'running');
    expect((await cli(['exec', vm.name, '--', 'hostname'])).stdout).toBe(`${vm.name}\n`);
    expect((await cli(['exec', String(vm.vmid), '--node', vm.node, '--', 'hostname'])).stdout).toBe(
      `${vm.name}\n`,
    );
  });

  it('gives the program stdin from --input-data, a file, or our stdin (--input-file -)', async () => {
    const vm = guest('qemu', 'running');
    const id = String(vm.vmid);
    expect((await cli(['exec', id, '--input-data', 'typed in', '--', 'cat'])).stdout).toBe('typed in');
    expect((await cli(['exec', id, '--input-file', '-', '--', 'cat'], 'piped\nlines\n')).stdout).toBe(
      'piped\nlines\n',
    );
    const file = join(await mkdtemp(join(tmpdir(), 'exec-input-')), 'in.txt');
    await writeFile(file, 'from a file\n');
    expect((await cli(['exec', id, '--input-file', file, '--', 'cat'])).stdout).toBe('from a file\n');
    const big = await cli(['exec', id, '--input-file', '-', '--', 'cat'], 'x'.repeat(70_000));
    expect(big.code).toBe(2);
    expect(big.stderr).toContain('at most 65536');
  });

  it('our own failures use the exit-code table: no such guest 4, a container 2, --timeout 6', async () => {
    const none = await cli(['exec', '99999', '--', 'true']);
    expect(none.code).toBe(4);
    expect(none.stderr).toContain('no guest 99999');
    const ct = guest('lxc', 'running');
    const container = await cli(['exec', String(ct.vmid), '--', 'true']);
    expect(container.code).toBe(2);
    expect(container.stderr).toContain('is a container');
    const vm = guest('qemu', 'running');
    const slow = await cli(['exec', String(vm.vmid), '--timeout', '0.5', '--', 'sleep', '30']);
    expect(slow.code).toBe(6);
    expect(slow.stderr).toMatch(/sleep \(pid \d+\) did not exit within 500 ms/);
    expect((await cli(['exec', String(vm.vmid)])).code).toBe(2);
  });

  it('a stopped VM is the server refusing (exit 1) with its message, no secret in it', async () => {
    const vm = guest('qemu', 'stopped');
    const r = await cli(['exec', String(vm.vmid), '--', 'true']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not running');
    expect(r.stderr + r.stdout).not.toContain(password);
  });
});

describe('proxmox agent', () => {
  it('file-write takes stdin and file-read gives it back byte for byte', async () => {
    const vm = guest('qemu', 'running');
    const text = 'grüße\n\ttabs and\r\nCRLF\n';
    const w = await cli(['agent', 'file-write', String(vm.vmid), '/tmp/note'], text);
    expect(w).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await cli(['agent', 'file-read', String(vm.vmid), '/tmp/note'])).toEqual({
      code: 0,
      stdout: text,
      stderr: '',
    });
    const missing = await cli(['agent', 'file-read', String(vm.vmid), '/etc/none']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('No such file or directory');
  });

  it('wait returns once the agent of a freshly started VM answers; gives up after --timeout (exit 6)', async () => {
    const vm = guest('qemu', 'stopped');
    expect((await cli(['create', `/nodes/${vm.node}/qemu/${vm.vmid}/status/start`, '--wait'])).code).toBe(0);
    const early = await cli(['exec', String(vm.vmid), '--', 'true']);
    expect(early.stderr).toContain('QEMU guest agent is not running');
    expect(await cli(['agent', 'wait', String(vm.vmid), '--timeout', '20'])).toMatchObject({ code: 0 });
    expect((await cli(['exec', String(vm.vmid), '--', 'hostname'])).stdout).toBe(`${vm.name}\n`);

    const other = guest('qemu', 'stopped');
    const r = await cli(['agent', 'wait', String(other.vmid), '--timeout', '0.3']);
    expect(r.code).toBe(6);
    expect(r.stderr).toContain('did not answer within 300 ms');
  });

  it('exec --wait-agent waits first, so a script can run right after a start', async () => {
    const vm = guest('qemu', 'stopped');
    await cli(['create', `/nodes/${vm.node}/qemu/${vm.vmid}/status/start`, '--wait']);
    const r = await cli(['exec', String(vm.vmid), '--wait-agent', '--', 'echo', 'up']);
    expect(r).toEqual({ code: 0, stdout: 'up\n', stderr: '' });
  });

  it('refuses a missing path or an unknown subcommand with usage (exit 2)', async () => {
    expect((await cli(['agent', 'file-read', '100'])).code).toBe(2);
    expect((await cli(['agent', 'frobnicate', '100'])).code).toBe(2);
  });
});
