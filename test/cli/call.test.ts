/** get/set/create/delete through the built binary against the HTTPS simulator. */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type RunningSimulator, type SimRequest, startSimulator } from '../../src/simulator/index.js';
import { baseEnv, cliBin, connectFlags, proxmox, proxmoxInPty, tempConfigHome } from './helpers.js';

let sim: RunningSimulator;
let env: NodeJS.ProcessEnv;
/** Every request the simulator saw, for checking what went on the wire. */
const seen: SimRequest[] = [];
let auth: string[];
const password = 'proxmox';

beforeAll(async () => {
  await cliBin();
  sim = await startSimulator({ taskDurationMs: 300 });
  env = baseEnv(await tempConfigHome());
  auth = [...connectFlags(sim), '--password-stdin'];
  const handle = sim.engine.handle.bind(sim.engine);
  sim.engine.handle = (req: SimRequest) => {
    seen.push(req);
    return handle(req);
  };
});

const taken = new Set<number>();
/** A running VM that no other test has used (the demo dataset decides which exist). */
function takeVm(): { vmid: number; node: string; path: string } {
  for (const g of sim.engine.cluster.guests.values()) {
    if (g.type === 'qemu' && g.status === 'running' && !g.lock && !taken.has(g.vmid)) {
      taken.add(g.vmid);
      return { vmid: g.vmid, node: g.node, path: `/nodes/${g.node}/qemu/${g.vmid}` };
    }
  }
  throw new Error('the demo dataset has no running VM left');
}

/** The last request to a path (logins excepted), with its query and body parameters as pairs. */
function lastRequest(path: string) {
  const req = seen.filter((r) => r.url.split('?')[0] === `/api2/json${path}`).at(-1);
  if (req === undefined) throw new Error(`no request to ${path}`);
  const query = new URLSearchParams(req.url.split('?')[1] ?? '');
  const body = new URLSearchParams(req.body?.toString('utf8') ?? '');
  return { method: req.method, query: [...query], body: [...body] };
}
afterAll(() => sim?.close());

const call = (args: string[]) => proxmox([...args, ...auth], { env, input: `${password}\n` });

describe('output formats', () => {
  it('json is exactly JSON.stringify of the data and a newline, nothing else on stdout', async () => {
    const r = await call(['get', '/version', '--output-format', 'json']);
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(r.stdout).toBe(`${JSON.stringify(data)}\n`);
    expect(data.version).toMatch(/^\d/);
    expect(r.stderr).toBe('');
  });

  it('json-pretty and yaml hold the same data', async () => {
    const json = JSON.parse((await call(['get', '/version', '--output-format', 'json'])).stdout);
    const pretty = await call(['get', '/version', '--output-format', 'json-pretty']);
    expect(pretty.stdout).toBe(`${JSON.stringify(json, null, 2)}\n`);
    const yaml = await call(['get', '/version', '--output-format', 'yaml']);
    expect(yaml.stdout.startsWith('---\n')).toBe(true);
    expect(parseYaml(yaml.stdout)).toEqual(json);
  });

  it('text prints an object as a framed key/value table, sorted by key, under a header rule', async () => {
    const r = await call(['get', '/version']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^┌─+┬─+┐$/);
    expect(lines[1]).toMatch(/^│ key +│ value +│$/);
    // pvesh's header rule (CLIFormatter::print_text_table), then single rules between rows.
    expect(lines[2]).toMatch(/^╞═+╪═+╡$/);
    expect(lines[4]).toMatch(/^├─+┼─+┤$/);
    expect(lines.at(-1)).toMatch(/^└─+┴─+┘$/);
    const keys = lines.filter((l) => /^│ \w/.test(l)).map((l) => l.split('│')[1]!.trim());
    // pvesh sorts the key/value rows by their first column (CLIFormatter::print_text_table).
    expect(keys).toEqual(['key', 'console', 'release', 'repoid', 'version']);
  });

  it('text lays out a list with the schema columns, required ones first, sorted by the first', async () => {
    const r = await call(['get', '/nodes']);
    const header = r.stdout.split('\n')[1]!;
    const columns = header
      .split('│')
      .map((c) => c.trim())
      .filter(Boolean);
    expect(columns.slice(0, 2)).toEqual(['node', 'status']);
    const nodes = r.stdout
      .split('\n')
      .filter((l) => /^│ pve/.test(l))
      .map((l) => l.split('│')[1]!.trim());
    expect(nodes).toEqual([...nodes].sort());
  });

  it('--noborder --noheader prints plain aligned columns', async () => {
    const r = await call(['get', '/version', '--noborder', '--noheader']);
    expect(r.stdout).not.toMatch(/[│┌└─]/);
    expect(r.stdout).toMatch(/^console +\S+$/m);
    expect(r.stdout).not.toMatch(/^key/m);
  });

  it('table frames even a scalar; text prints it plainly', async () => {
    const upid = (await call(['create', `${takeVm().path}/status/stop`])).stdout;
    expect(upid).toMatch(/^UPID:pve1:[0-9A-F]{8}:/);
    expect(upid.split('\n')).toHaveLength(2);
    const table = await call(['get', '/version', '--output-format', 'table']);
    expect(table.stdout).toContain('┌');
  });

  it('a text table is cut at the terminal width; JSON is never cut', async () => {
    const text = await proxmoxInPty(['get', '/nodes', ...auth], {
      env,
      cols: 20,
      send: [{ after: '', text: `${password}\n\u0004` }],
    });
    for (const line of text.out.split('\n').filter((l) => l.includes('│'))) {
      expect([...line].length).toBeLessThanOrEqual(20);
    }
    const json = await proxmoxInPty(['get', '/nodes', '--output-format', 'json', ...auth], {
      env: { ...env, COLUMNS: '20' },
      cols: 20,
      stderrPty: false,
      send: [{ after: '', text: `${password}\n\u0004` }],
    });
    expect(json.code).toBe(0);
    // The terminal echoes what we typed; the program's answer is the last line.
    const last = json.out.trimEnd().split('\n').at(-1)!;
    const parsed = JSON.parse(last);
    expect(parsed.length).toBeGreaterThan(1);
    expect(last.length).toBeGreaterThan(20);
  });
});

describe('parameters and verbs', () => {
  it('sends -key value, --key value and -key=value alike; a repeated list-format key joined; a bare boolean as 1', async () => {
    for (const written of [['-type', 'vm'], ['--type', 'vm'], ['-type=vm'], ['--type=vm']]) {
      await call(['get', '/cluster/resources', ...written]);
      expect(lastRequest('/cluster/resources')).toMatchObject({ method: 'GET', query: [['type', 'vm']] });
    }
    const vm = takeVm();
    await call(['set', `${vm.path}/config`, '-tags', 'x', '-tags', 'y', '-onboot', '-name', 'web']);
    expect(lastRequest(`${vm.path}/config`)).toMatchObject({
      method: 'PUT',
      body: [
        // tags is a `pve-tag-list`: repeated values are joined with commas, as pvesh's get_options does.
        ['tags', 'x,y'],
        ['onboot', '1'],
        ['name', 'web'],
      ],
    });
  });

  it('after the path, a name the method knows is an API parameter, with one dash or two (pvesh)', async () => {
    const vm = takeVm();
    await call(['create', `${vm.path}/status/shutdown`, '-timeout', '60']);
    expect(lastRequest(`${vm.path}/status/shutdown`).body).toEqual([['timeout', '60']]);
    await call(['create', `${vm.path}/status/start`, '--timeout', '30', '--wait']);
    expect(lastRequest(`${vm.path}/status/start`).body).toEqual([['timeout', '30']]);
  });

  it('create, get and delete a VM', async () => {
    const created = await call([
      'create',
      '/nodes/pve1/qemu',
      '-vmid',
      '990',
      '-name',
      'cli-test',
      '-memory',
      '512',
      '--wait',
    ]);
    expect(created.code).toBe(0);
    const config = JSON.parse(
      (await call(['get', '/nodes/pve1/qemu/990/config', '--output-format', 'json'])).stdout,
    );
    expect(config.name).toBe('cli-test');
    const deleted = await call(['delete', '/nodes/pve1/qemu/990', '--wait', '--output-format', 'json']);
    expect(deleted.code).toBe(0);
    expect(lastRequest('/nodes/pve1/qemu/990').method).toBe('DELETE');
    expect(JSON.parse(deleted.stdout)).toMatch(/^UPID:pve1:.*:qmdestroy:990:/);
    const gone = await call(['get', '/nodes/pve1/qemu/990/config']);
    expect(gone.code).toBe(4);
  });
});

describe('--wait', () => {
  it('keeps the UPID on stdout; the log and the final status go to stderr as plain lines', async () => {
    const vm = takeVm();
    await call(['create', `${vm.path}/status/stop`, '--wait']);
    const r = await call(['create', `${vm.path}/status/start`, '--wait', '--output-format', 'json']);
    expect(r.code).toBe(0);
    const upid = JSON.parse(r.stdout);
    expect(upid).toMatch(new RegExp(`^UPID:${vm.node}:[0-9A-F]{8}:.*:qmstart:${vm.vmid}:root@pam:$`));
    expect(r.stderr).toContain(`task ${upid}`);
    expect(r.stderr).toContain('TASK OK');
    expect(r.stderr).toMatch(new RegExp(`^qmstart ${vm.vmid} on ${vm.node}: OK \\(\\d+\\.\\ds\\)$`, 'm'));
    expect(r.stderr).not.toMatch(/\x1b\[/);
    // Text output: the UPID alone on stdout, as a script captures it.
    const text = await call(['create', `${vm.path}/status/stop`, '--wait']);
    expect(text.stdout).toMatch(/^UPID:\S+\n$/);
  });

  it('draws a progress line with a spinner and elapsed time on a terminal', async () => {
    const vm = takeVm();
    const r = await proxmoxInPty(['create', `${vm.path}/status/stop`, '--wait', ...auth], {
      env,
      send: [{ after: '', text: `${password}\n\u0004` }],
    });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] qmstop ${vm.vmid} on ${vm.node} +\\d+\\.\\ds`));
    expect(r.out).toContain('TASK OK');
    expect(r.out).toContain(`✓ qmstop ${vm.vmid} on ${vm.node}: OK`);
  });

  it('exits 5 when the task fails', async () => {
    const tasks = sim.engine.tasks as unknown as { start: (spec: Record<string, unknown>) => unknown };
    const start = tasks.start.bind(tasks);
    tasks.start = (spec) =>
      start({
        ...spec,
        work: () => {
          throw new Error('simulated failure');
        },
      });
    try {
      const r = await call(['create', `${takeVm().path}/status/stop`, '--wait', '--output-format', 'json']);
      expect(r.code).toBe(5);
      // The UPID was printed before the task failed: a script still knows which task it was.
      expect(JSON.parse(r.stdout)).toMatch(/^UPID:pve\d:.*:qmstop:/);
      expect(r.stderr).toContain('simulated failure');
    } finally {
      tasks.start = start;
    }
  });
});

describe('exit codes', () => {
  it('2 for usage errors, before anything is sent', async () => {
    expect((await proxmox(['get'], { env })).code).toBe(2);
    expect((await proxmox(['frobnicate'], { env })).code).toBe(2);
    expect((await call(['get', '/version', '--output-format', 'xml'])).code).toBe(2);
    expect((await call(['get', '/version', 'extra'])).code).toBe(2);
    const noHost = await proxmox(['get', '/version'], { env });
    expect(noHost.code).toBe(2);
    expect(noHost.stderr).toMatch(/--host/);
  });

  it('3 for a refused login, 4 for a missing object, 6 for an unreachable server', async () => {
    const refused = await proxmox(['get', '/version', ...auth], { env, input: 'wrong\n' });
    expect(refused.code).toBe(3);
    expect(refused.stdout).toBe('');
    const missing = await call(['get', '/nodes/pve1/qemu/4242/config']);
    expect(missing.code).toBe(4);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/4242/);
    // A node the cluster does not have: PVE's 500 "hostname lookup 'pve9' failed" is a 4 too.
    const noNode = await call(['get', '/nodes/pve9/qemu']);
    expect(noNode.code).toBe(4);
    expect(noNode.stderr).toContain("hostname lookup 'pve9' failed");
    // A path the schema does not have: 4, named in the same form as the command line's.
    const noPath = await call(['get', 'nodes//pve1/frobnicate']);
    expect(noPath.code).toBe(4);
    expect(noPath.stderr).toBe("no such resource '/nodes/pve1/frobnicate'\n");
    const down = await proxmox(
      [
        'get',
        '/version',
        '--host',
        '127.0.0.1:1',
        '--user',
        'root@pam',
        '--password-stdin',
        '--timeout',
        '3',
      ],
      { env, input: 'x\n' },
    );
    expect(down.code).toBe(6);
  });

  it('1 for other server errors', async () => {
    const again = await call(['create', `${takeVm().path}/status/start`]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already running/);
  });

  it('documents them in help exit-codes', async () => {
    const r = await proxmox(['help', 'exit-codes'], { env });
    for (const code of ['0', '1', '2', '3', '4', '5', '6'])
      expect(r.stdout).toMatch(new RegExp(`^  ${code} `, 'm'));
  });
});
