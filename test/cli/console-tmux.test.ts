/**
 * `proxmox shell` and `proxmox console` in a real terminal (tmux): raw mode, the window
 * size at the start and after a resize (SIGWINCH) reaching the remote pty (`stty size`),
 * the escape sequence, and the exit status. The far side is the simulator's termproxy
 * (pve-xtermjs termproxy/src/main.rs framing: `0:LEN:DATA` input, `1:COLS:ROWS:` resize)
 * over real TLS.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { baseEnv, cliBin, connectFlags, tempConfigHome } from './helpers.js';
import { Tmux } from './tmux.js';

let sim: RunningSimulator;
let env: NodeJS.ProcessEnv;
let bin: string;
let tmux: Tmux | undefined;

beforeAll(async () => {
  bin = await cliBin();
  sim = await startSimulator({ taskDurationMs: 20 });
  env = baseEnv(await tempConfigHome(), { PROXMOX_PASSWORD: 'proxmox' });
});
afterAll(() => sim?.close());
afterEach(async () => {
  await tmux?.kill();
  tmux = undefined;
});

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The CLI in a tmux pane; when it exits the pane shows `EXIT=<status>`. */
async function inTerminal(args: string[], cols = 100, rows = 30): Promise<Tmux> {
  const t = new Tmux();
  tmux = t;
  const vars = ['XDG_CONFIG_HOME', 'PROXMOX_PASSWORD', 'LANG']
    .map((k) => `${k}=${quote(env[k] ?? '')}`)
    .join(' ');
  const line = [process.execPath, bin, ...args, ...connectFlags(sim)].map(quote).join(' ');
  // After the CLI: its status, and whether the terminal is back in cooked mode (icanon, not -icanon).
  await t.start(
    `env ${vars} ${line}; echo EXIT=$?; stty -a | tr ' ' '\\n' | grep -x -- '-*icanon' | sed 's/^/MODE=/'`,
    cols,
    rows,
  );
  return t;
}

function firstGuest(type: 'qemu' | 'lxc') {
  for (const g of sim.engine.cluster.guests.values())
    if (g.type === type && g.status === 'running')
      return { vmid: g.vmid, name: sim.engine.cluster.guestName(g) };
  throw new Error(`no running ${type} guest`);
}

describe('proxmox shell in a terminal', () => {
  it('the remote pty has the window size, follows a resize, and Ctrl-] q leaves with exit 0', async () => {
    const t = await inTerminal(['shell', 'pve1']);
    await t.waitFor(/root@pve1:~# $/m);
    expect(await t.screen()).toContain('leave with Ctrl-] q');
    const size = await t.paneSize();
    await t.type('stty size');
    await t.waitFor(new RegExp(`^${size.rows} ${size.cols}$`, 'm'));

    await t.resize(120, 40);
    const bigger = await t.paneSize();
    expect(bigger.cols).toBe(120);
    await t.type('stty size');
    await t.waitFor(new RegExp(`^${bigger.rows} 120$`, 'm'));

    // Raw mode: Ctrl-C reaches the remote shell (which prints ^C) and does not end us.
    await t.keys(['C-c']);
    await t.type('echo $?');
    await t.waitFor(/^130$/m);

    await t.keys(['C-]', 'q']);
    const screen = await t.waitFor(/MODE=/);
    expect(screen).toContain('[left the console]');
    expect(screen).toMatch(/EXIT=0\nMODE=icanon$/m);
  });

  // Node itself resets the terminal's mode when SIGTERM ends it (node.cc SignalExit -> ResetStdio).
  it('SIGTERM ends it with 143 and gives the terminal its mode back', async () => {
    const t = await inTerminal(['shell', 'pve1']);
    await t.waitFor(/root@pve1:~# $/m);
    const { stdout } = await promisify(execFile)('pgrep', ['-P', String(await t.panePid())]);
    const pid = Number(stdout.trim().split('\n')[0]);
    process.kill(pid, 'SIGTERM');
    expect(await t.waitFor(/MODE=/)).toMatch(/EXIT=143\nMODE=icanon$/m);
  });

  it('exit in the remote shell ends the session with exit 0', async () => {
    const t = await inTerminal(['shell', 'pve1']);
    await t.waitFor(/root@pve1:~# $/m);
    await t.type('exit');
    const screen = await t.waitFor(/EXIT=\d+/);
    expect(screen).toContain('[the console closed]');
    expect(screen).toMatch(/EXIT=0/);
  });

  it('--escape ^A changes the key; Ctrl-] then goes through to the remote side', async () => {
    const t = await inTerminal(['shell', 'pve1', '--escape', '^A']);
    await t.waitFor(/root@pve1:~# $/m);
    expect(await t.screen()).toContain('leave with Ctrl-A q');
    await t.keys(['C-]', 'q']);
    await t.type('');
    await new Promise((r) => setTimeout(r, 300));
    expect(await t.screen()).not.toMatch(/EXIT=/);
    await t.keys(['C-a', 'q']);
    expect(await t.waitFor(/EXIT=\d+/)).toMatch(/EXIT=0/);
  });
});

describe('proxmox console in a terminal', () => {
  it("a VM's serial console: the getty's login prompt, a shell after logging in", async () => {
    const vm = firstGuest('qemu');
    // A serial port qm terminal can open (the demo VMs have none).
    sim.engine.cluster.guests.get(vm.vmid)!.config.serial0 = 'socket';
    const t = await inTerminal(['console', String(vm.vmid)]);
    await t.waitFor(/login: $/m);
    expect(await t.screen()).toContain(`the serial console of VM ${vm.vmid}`);
    await t.type('root');
    await t.waitFor(/Password: $/m);
    await t.type('secret');
    await t.waitFor(/:~# $/m);
    await t.type('hostname');
    await t.waitFor(new RegExp(`^${vm.name}$`, 'm'));
    await t.keys(['C-]', '.']);
    expect(await t.waitFor(/EXIT=\d+/)).toMatch(/EXIT=0/);
  });

  it("a container's console, picked from the guest's type", async () => {
    const ct = firstGuest('lxc');
    const t = await inTerminal(['console', ct.name]);
    await t.waitFor(/login: $/m);
    expect(await t.screen()).toContain(`the console of container ${ct.vmid}`);
    await t.keys(['C-]', 'q']);
    expect(await t.waitFor(/EXIT=\d+/)).toMatch(/EXIT=0/);
  });
});
