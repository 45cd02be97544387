/** Completion scripts and `__complete`: commands, options, paths, parameters, live values. */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { baseEnv, cliBin, proxmox, proxmoxBinDir, tempConfigHome } from './helpers.js';

let sim: RunningSimulator;
let env: NodeJS.ProcessEnv;
let home: string;

beforeAll(async () => {
  await cliBin();
  sim = await startSimulator();
  home = await tempConfigHome();
  env = baseEnv(home);
});
afterAll(() => sim?.close());

async function complete(words: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const r = await proxmox(['__complete', ...words], { env: { ...env, ...extraEnv } });
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

describe('completion scripts', () => {
  it('bash, zsh and fish scripts call __complete and name the command', async () => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      const r = await proxmox(['completion', shell], { env });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('proxmox __complete');
      expect(r.stdout).toMatch(/complete .*proxmox|compdef _proxmox proxmox|#compdef proxmox/);
      for (const command of [
        'get',
        'create',
        'set',
        'delete',
        'ls',
        'usage',
        'config',
        'mock',
        'completion',
        'help',
      ]) {
        expect(r.stdout).toMatch(new RegExp(`\\b${command}\\b`));
      }
      expect(r.stdout).not.toContain('__complete:');
    }
    expect((await proxmox(['completion', 'tcsh'], { env })).code).toBe(2);
  });

  it('the bash script is valid bash and completes a path through a stand-in proxmox', async () => {
    const script = (await proxmox(['completion', 'bash'], { env })).stdout;
    const binDir = await proxmoxBinDir(home);
    const tab = (line: string) =>
      execFileSync(
        'bash',
        [
          '-c',
          `${script}\nCOMP_LINE="$1"; COMP_POINT=\${#COMP_LINE}; _proxmox_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
          'bash',
          line,
        ],
        { env: { ...env, PATH: `${binDir}:${env.PATH}` }, encoding: 'utf8' },
      )
        .trim()
        .split('\n');
    expect(tab('proxmox get /clu')).toEqual(['/cluster/']);
    // Inside quotes and after the backslashes bash inserts, as zsh and fish do (issue 16.9):
    // readline completes the text after the opening quote, so the candidates carry none.
    expect(tab("proxmox get '/clu")).toEqual(['/cluster/']);
    expect(tab('proxmox usage "/nodes/{node}/qe')).toEqual(['/nodes/{node}/qemu/']);
    expect(tab('proxmox usage /nodes/\\{node\\}/qe')).toEqual(['/nodes/{node}/qemu/']);
    expect(tab("proxmox create '/nodes/pve1/qemu' -ost")).toEqual(['-ostype']);
    // bash replaces only what follows the '=' (a word break): the candidates are that part.
    expect(tab('proxmox get /version --output-format=j')).toEqual(['json', 'json-pretty']);
    // The first word needs no process: the names are in the script.
    const first = execFileSync(
      '/bin/bash',
      [
        '-c',
        `${script}\nCOMP_LINE='proxmox c'; COMP_POINT=9; _proxmox_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { env: { ...env, PATH: '/nonexistent' }, encoding: 'utf8' },
    );
    expect(first.trim().split('\n')).toEqual(['create', 'config', 'console', 'completion']);
  });
});

describe('__complete', () => {
  it('completes command names', async () => {
    const words = await complete(['']);
    expect(words).toEqual(
      expect.arrayContaining(['get', 'set', 'create', 'delete', 'ls', 'usage', 'config', 'mock']),
    );
    expect(words).not.toContain('__complete');
    expect(await complete(['co'])).toEqual(['config', 'console', 'completion']);
  });

  it('completes API path segments from the schema', async () => {
    expect(await complete(['get', '/'])).toEqual(
      expect.arrayContaining(['/access/', '/cluster/', '/nodes/', '/storage/', '/version']),
    );
    expect(await complete(['get', '/no'])).toEqual(['/nodes/']);
    expect(await complete(['get', '/nodes/pve1/qemu/4711/st'])).toEqual(['/nodes/pve1/qemu/4711/status/']);
    expect(await complete(['usage', '/nodes/'])).toEqual(['/nodes/{node}/']);
  });

  it('completes parameter names and enum values from the schema', async () => {
    const params = await complete(['create', '/nodes/pve1/qemu', '-']);
    expect(params).toEqual(
      expect.arrayContaining(['-vmid', '-memory', '-net0', '--wait', '--output-format']),
    );
    expect(params).not.toContain('-node');
    expect(await complete(['create', '/nodes/pve1/qemu', '-ostype', 'l2'])).toEqual(['l24', 'l26']);
    expect(await complete(['get', '/version', '--output-format', 'j'])).toEqual(['json', 'json-pretty']);
    expect(await complete(['get', '/version', '--output-format=j'])).toEqual([
      '--output-format=json',
      '--output-format=json-pretty',
    ]);
    expect(await complete(['create', '/nodes/pve1/qemu', '-ostype=l2'])).toEqual([
      '-ostype=l24',
      '-ostype=l26',
    ]);
  });

  it('completes subcommands and profile names', async () => {
    expect(await complete(['config', ''])).toEqual(['add', 'list', 'show', 'remove', 'use']);
    expect(await complete(['completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    await proxmox(['config', 'add', 'alpha', '--host', 'a.example', '--user', 'root@pam', '--no-secret'], {
      env,
    });
    await proxmox(['config', 'add', 'beta', '--host', 'b.example', '--user', 'root@pam', '--no-secret'], {
      env,
    });
    expect(await complete(['config', 'show', ''])).toEqual(['alpha', 'beta']);
    expect(await complete(['get', '/version', '--profile', 'b'])).toEqual(['beta']);
  });

  it('completes node names and vmids from the server when a connection is configured', async () => {
    const live = {
      PROXMOX_HOST: `${sim.host}:${sim.port}`,
      PROXMOX_USER: 'root@pam',
      PROXMOX_PASSWORD: 'proxmox',
      PROXMOX_FINGERPRINT: sim.fingerprint,
    };
    expect(await complete(['get', '/nodes/'], live)).toEqual([
      '/nodes/pve1/',
      '/nodes/pve2/',
      '/nodes/pve3/',
    ]);
    const vmids = await complete(['get', '/nodes/pve1/qemu/'], live);
    const vm = [...sim.engine.cluster.guests.values()].find((g) => g.type === 'qemu' && g.node === 'pve1')!;
    expect(vmids).toContain(`/nodes/pve1/qemu/${vm.vmid}/`);
    expect(await complete(['create', `/nodes/pve1/qemu/${vm.vmid}/migrate`, '-target', ''], live)).toEqual([
      'pve1',
      'pve2',
      'pve3',
    ]);
  });

  it('completes options before the command, their values, and the command after them', async () => {
    expect(await complete(['--pro'])).toEqual(['--profile']);
    expect(await complete(['--output-format', 'js'])).toEqual(['json', 'json-pretty']);
    expect(await complete(['--service', 'pbs', 'g'])).toEqual(['get']);
    // The service given before the verb picks the schema the path completes from.
    expect(await complete(['--service', 'pbs', 'get', '/ad'])).toEqual(['/admin/']);
  });

  it('offers API parameters with two dashes after --, and the next free vmid for a new guest', async () => {
    const params = await complete(['create', '/nodes/pve1/qemu', '--']);
    expect(params).toEqual(expect.arrayContaining(['--vmid', '--memory', '--wait']));
    const live = {
      PROXMOX_HOST: `${sim.host}:${sim.port}`,
      PROXMOX_USER: 'root@pam',
      PROXMOX_PASSWORD: 'proxmox',
      PROXMOX_FINGERPRINT: sim.fingerprint,
    };
    const used = new Set([...sim.engine.cluster.guests.values()].map((g) => g.vmid));
    const [next] = await complete(['create', '/nodes/pve1/qemu', '-vmid', ''], live);
    expect(used.has(Number(next))).toBe(false);
    expect(Number(next)).toBeGreaterThanOrEqual(100);
  });

  it('prints nothing live, quickly, when the server is unreachable', async () => {
    const started = Date.now();
    const words = await complete(['get', '/nodes/'], {
      PROXMOX_HOST: '10.255.255.1:8006',
      PROXMOX_USER: 'root@pam',
      PROXMOX_PASSWORD: 'x',
    });
    expect(words).toEqual(['/nodes/{node}/']);
    expect(Date.now() - started).toBeLessThan(8000);
  });
});
