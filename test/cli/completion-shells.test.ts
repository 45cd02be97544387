/**
 * The zsh and fish completion scripts in the shells themselves, installed as docs/cli.md
 * says, asked for candidates the way a TAB press asks (bash: completion.test.ts).
 *
 * zsh: an interactive zsh on a pseudo-terminal (zsh's own zpty module) with compinit
 * loaded; the test types a line, TAB, then a key bound to a widget that writes the edited
 * line and every match the completion system added to a file. `compadd` is wrapped to
 * record what the builtin adds (after zsh's own matching), then calls it: the generated
 * `_proxmox`, `_describe` and the completion system run unchanged.
 * fish: `complete -C LINE`, fish's own answer for a TAB at the end of LINE.
 *
 * Live values come from a simulator through the default profile. A missing zsh or fish
 * fails these tests, never skips them (as the sshd fixture does): CI installs both.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { baseEnv, cliBin, connectFlags, proxmox, proxmoxBinDir, tempConfigHome } from './helpers.js';

const run = promisify(execFile);

let sim: RunningSimulator;
let home: string;
let env: NodeJS.ProcessEnv;
let vmid: number;

/** The shell's path; throws when it is not installed (a failure, not a skip). */
function requireShell(name: 'zsh' | 'fish'): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') {
    throw new Error(`${name} is not installed: apt-get install -y ${name} (.ci/run installs it)`);
  }
  return path;
}

beforeAll(async () => {
  await cliBin();
  sim = await startSimulator();
  home = await tempConfigHome();
  const bin = await proxmoxBinDir(home);
  env = baseEnv(home, { PATH: `${bin}:${process.env.PATH}`, HOME: home });
  // The default profile points at the simulator (a stored password); beta is a second name.
  const added = await proxmox(['config', 'add', 'alpha', ...connectFlags(sim), '--password-stdin'], {
    env,
    input: 'proxmox\n',
  });
  expect(added.code, added.stderr).toBe(0);
  const beta = ['config', 'add', 'beta', '--host', 'b.example', '--user', 'root@pam', '--no-secret'];
  expect((await proxmox(beta, { env })).code).toBe(0);
  vmid = [...sim.engine.cluster.guests.values()].find((g) => g.type === 'qemu' && g.node === 'pve1')!.vmid;
});
afterAll(() => sim?.close());

interface ZshTab {
  /** The command line after TAB. */
  buffer: string;
  /** The matches the completion added, as zsh quotes them for the line. */
  matches: string[];
}

const ZSHRC = (install: string) => `PS1='READY> '
unsetopt beep
${install}
typeset -ga _pxt_matches
compadd() {
  # -O/-A/-D only collect matches (as _describe does first): nothing is added there.
  if (( \${@[(I)-[OAD]*]} )); then builtin compadd "$@"; return; fi
  local -a added
  builtin compadd -A added "$@"
  _pxt_matches+=("\${added[@]}")
  builtin compadd "$@"
}
_pxt_dump() {
  { print -r -- "BUFFER:$BUFFER"; print -rl -- "\${(@)_pxt_matches/#/MATCH:}"; print -r -- END } >> "$PXT_DUMP"
  _pxt_matches=()
  BUFFER=
}
zle -N _pxt_dump
bindkey '^X^D' _pxt_dump
`;

// Waits for the prompt before typing: until zle runs, the terminal is in cooked mode, where ^D is end-of-file.
const ZSH_DRIVER = `zmodload zsh/zpty
zpty z "$PXT_ZSH" -d -i
zpty -r z out '*READY> *' || exit 3
for line in "$@"; do zpty -w -n z "$line"$'\\t\\x18\\x04'; done
zpty -w z 'print DONE$((1+1))'
zpty -r z out '*DONE2*' || exit 4
zpty -d z
`;

/** Types each line into one interactive zsh, presses TAB, and reports what zsh did. */
async function zshTab(
  lines: string[],
  o: { install?: 'fpath' | 'source'; env?: NodeJS.ProcessEnv } = {},
): Promise<ZshTab[]> {
  const zsh = requireShell('zsh');
  const dir = join(home, `zsh-${Math.random().toString(36).slice(2)}`);
  const functions = join(dir, 'functions');
  mkdirSync(functions, { recursive: true });
  // fpath: the file `proxmox completion zsh` writes, autoloaded by compinit as _proxmox.
  writeFileSync(join(functions, '_proxmox'), (await proxmox(['completion', 'zsh'], { env })).stdout);
  const install =
    o.install === 'source'
      ? 'autoload -Uz compinit && compinit -u -D\nsource <(proxmox completion zsh)'
      : `fpath=(${functions} $fpath)\nautoload -Uz compinit && compinit -u -D`;
  writeFileSync(join(dir, '.zshrc'), ZSHRC(install));
  writeFileSync(join(dir, 'driver.zsh'), ZSH_DRIVER);
  const dump = join(dir, 'dump');
  writeFileSync(dump, '');
  await run(zsh, ['-f', join(dir, 'driver.zsh'), ...lines], {
    env: { ...env, ...o.env, ZDOTDIR: dir, PXT_DUMP: dump, PXT_ZSH: zsh },
    timeout: 60_000,
  });
  const answers = readFileSync(dump, 'utf8')
    .split('END\n')
    .filter((block) => block !== '')
    .map((block) => {
      const rows = block.split('\n');
      return {
        buffer: rows[0]!.replace(/^BUFFER:/, ''),
        matches: rows.filter((r) => r.startsWith('MATCH:')).map((r) => r.slice('MATCH:'.length)),
      };
    });
  expect(answers).toHaveLength(lines.length);
  return answers;
}

/**
 * fish's candidates for a TAB at the end of each line, sorted as fish shows them
 * (`descriptions`: with their tab-separated descriptions). `source`: the script sourced;
 * `autoload`: saved where docs/cli.md says, for fish to find.
 */
async function fishTab(
  lines: string[],
  o: { install?: 'source' | 'autoload'; env?: NodeJS.ProcessEnv; descriptions?: boolean } = {},
): Promise<string[][]> {
  const fish = requireShell('fish');
  const script = join(home, 'proxmox.fish');
  const text = (await proxmox(['completion', 'fish'], { env })).stdout;
  writeFileSync(script, text);
  const args =
    o.install === 'autoload'
      ? ['-c', 'for l in $argv; complete -C $l; echo "<end>"; end', ...lines]
      : [
          '--no-config',
          '-c',
          'source $argv[1]; for l in $argv[2..]; complete -C $l; echo "<end>"; end',
        ].concat([script], lines);
  if (o.install === 'autoload') {
    // fish's user completions directory: ~/.config/fish/completions ($XDG_CONFIG_HOME here).
    mkdirSync(join(home, 'fish/completions'), { recursive: true });
    writeFileSync(join(home, 'fish/completions/proxmox.fish'), text);
  }
  const { stdout } = await run(fish, args, { env: { ...env, ...o.env }, timeout: 60_000 });
  const answers = stdout
    .split('<end>\n')
    .slice(0, -1)
    .map((block) =>
      block
        .split('\n')
        .filter(Boolean)
        .map((row) => (o.descriptions ? row : row.split('\t')[0]!)),
    );
  expect(answers).toHaveLength(lines.length);
  return answers;
}

const FORMATS = ['json', 'json-pretty', 'table', 'text', 'yaml'];

describe('zsh', () => {
  beforeAll(() => {
    requireShell('zsh');
  });

  it('completes command names from the script alone', async () => {
    // No proxmox on PATH: the first word needs no process.
    const [g, co] = await zshTab(['proxmox g', 'proxmox co'], { env: { PATH: '/usr/bin:/bin' } });
    expect(g!.buffer).toBe('proxmox get ');
    expect(co!.buffer).toBe('proxmox co');
    expect(co!.matches).toEqual(['config', 'console', 'completion']);
  });

  it('completes paths (no space after a directory), options and their values', async () => {
    const [path, leaf, option, values, inline] = await zshTab([
      'proxmox get /no',
      'proxmox get /vers',
      'proxmox get /version --output-f',
      'proxmox get /version --output-format ',
      'proxmox get /version --output-format=y',
    ]);
    expect(path!.buffer).toBe('proxmox get /nodes/');
    expect(leaf!.buffer).toBe('proxmox get /version ');
    expect(option!.buffer).toBe('proxmox get /version --output-format ');
    expect(values!.matches.sort()).toEqual(FORMATS);
    expect(inline!.buffer).toBe('proxmox get /version --output-format=yaml ');
  });

  it('completes parameter names and enum values from the schema', async () => {
    const [names, ostype] = await zshTab([
      'proxmox create /nodes/pve1/qemu -ost',
      'proxmox create /nodes/pve1/qemu -ostype l2',
    ]);
    expect(names!.buffer).toBe('proxmox create /nodes/pve1/qemu -ostype ');
    expect(ostype!.matches.sort()).toEqual(['l24', 'l26']);
  });

  it('completes node names and vmids from the server of the default profile', async () => {
    const [nodes, guests, target] = await zshTab([
      'proxmox get /nodes/',
      'proxmox get /nodes/pve1/qemu/',
      `proxmox create /nodes/pve1/qemu/${vmid}/migrate -target `,
    ]);
    expect(nodes!.matches).toEqual(['/nodes/pve1/', '/nodes/pve2/', '/nodes/pve3/']);
    expect(nodes!.buffer).toBe('proxmox get /nodes/pve');
    expect(guests!.matches).toContain(`/nodes/pve1/qemu/${vmid}/`);
    expect(target!.matches).toEqual(['pve1', 'pve2', 'pve3']);
  });

  it('completes after the quoting zsh itself inserts, and inside quotes', async () => {
    const [template, escaped, quoted] = await zshTab([
      'proxmox usage /nodes/',
      'proxmox usage /nodes/\\{node\\}/qe',
      "proxmox usage '/nodes/{node}/qe",
    ]);
    expect(template!.buffer).toBe('proxmox usage /nodes/\\{node\\}/');
    expect(escaped!.buffer).toBe('proxmox usage /nodes/\\{node\\}/qemu/');
    expect(quoted!.buffer).toBe("proxmox usage '/nodes/{node}/qemu/");
  });

  it('completes subcommands and profile names', async () => {
    const [sub, use, flag] = await zshTab([
      'proxmox config ',
      'proxmox config use ',
      'proxmox get /version --profile b',
    ]);
    expect(sub!.matches).toEqual(['add', 'list', 'show', 'remove', 'use']);
    expect(use!.matches).toEqual(['alpha', 'beta']);
    expect(flag!.buffer).toBe('proxmox get /version --profile beta ');
  });

  it('works sourced after compinit, as `source <(proxmox completion zsh)`', async () => {
    const [command, path] = await zshTab(['proxmox comp', 'proxmox get /clu'], { install: 'source' });
    expect(command!.buffer).toBe('proxmox completion ');
    expect(path!.buffer).toBe('proxmox get /cluster/');
  });
});

describe('fish', () => {
  beforeAll(() => {
    requireShell('fish');
  });

  it('completes command names, with their summaries, from the script alone', async () => {
    const [g, c] = await fishTab(['proxmox g', 'proxmox c'], {
      env: { PATH: '/usr/bin:/bin' },
      descriptions: true,
    });
    expect(g).toEqual(['get\tcall GET on an API path']);
    expect(c!.map((row) => row.split('\t')[0])).toEqual(['completion', 'config', 'console', 'create']);
  });

  it('completes paths, options and their values', async () => {
    const [path, option, values, inline] = await fishTab([
      'proxmox get /no',
      'proxmox get /version --output-f',
      'proxmox get /version --output-format ',
      'proxmox get /version --output-format=j',
    ]);
    expect(path).toEqual(['/nodes/']);
    expect(option).toEqual(['--output-format']);
    expect(values).toEqual(FORMATS);
    expect(inline).toEqual(['--output-format=json', '--output-format=json-pretty']);
  });

  it('completes parameter names and enum values from the schema', async () => {
    const [names, ostype] = await fishTab([
      'proxmox create /nodes/pve1/qemu -ost',
      'proxmox create /nodes/pve1/qemu -ostype l2',
    ]);
    expect(names).toEqual(['-ostype']);
    expect(ostype).toEqual(['l24', 'l26']);
  });

  it('completes node names and vmids from the server of the default profile', async () => {
    const [nodes, guests, target] = await fishTab([
      'proxmox get /nodes/',
      'proxmox get /nodes/pve1/qemu/',
      `proxmox create /nodes/pve1/qemu/${vmid}/migrate -target `,
    ]);
    expect(nodes).toEqual(['/nodes/pve1/', '/nodes/pve2/', '/nodes/pve3/']);
    expect(guests).toContain(`/nodes/pve1/qemu/${vmid}/`);
    expect(target).toEqual(['pve1', 'pve2', 'pve3']);
  });

  it('completes after the escaping fish itself inserts, and inside quotes', async () => {
    const [template, escaped, quoted] = await fishTab([
      'proxmox usage /nodes/',
      'proxmox usage /nodes/\\{node\\}/qe',
      "proxmox usage '/nodes/{node}/qe",
    ]);
    expect(template).toEqual(['/nodes/{node}/']);
    expect(escaped).toEqual(['/nodes/{node}/qemu/']);
    expect(quoted).toEqual(['/nodes/{node}/qemu/']);
  });

  it('completes subcommands and profile names', async () => {
    const [sub, use, flag] = await fishTab([
      'proxmox config ',
      'proxmox config use ',
      'proxmox get /version --profile b',
    ]);
    expect(sub).toEqual(['add', 'list', 'remove', 'show', 'use']);
    expect(use).toEqual(['alpha', 'beta']);
    expect(flag).toEqual(['beta']);
  });

  it('is found in ~/.config/fish/completions without sourcing', async () => {
    const [command, path] = await fishTab(['proxmox comp', 'proxmox get /clu'], { install: 'autoload' });
    expect(command).toEqual(['completion']);
    expect(path).toEqual(['/cluster/']);
  });
});
