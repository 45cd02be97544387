/**
 * pvesh's command-line rules, through the built binary against the HTTPS simulator (issue 16):
 * API parameters after the path win over our option names (pve-manager PVE/CLI/pvesh.pm builds
 * each verb's options from the method's schema), options before the verb, local parameter
 * checks before anything is sent (pve-common RESTHandler::cli_handler), verb prefixes
 * (CLIHandler::resolve_cmd), human-readable text (CLIFormatter::data_to_text).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, type SimRequest, startSimulator } from '../../src/simulator/index.js';
import { baseEnv, cliBin, connectFlags, proxmox, tempConfigHome } from './helpers.js';

let sim: RunningSimulator;
let env: NodeJS.ProcessEnv;
const seen: SimRequest[] = [];
const password = 'proxmox';

beforeAll(async () => {
  await cliBin();
  sim = await startSimulator({ taskDurationMs: 200 });
  env = baseEnv(await tempConfigHome());
  const handle = sim.engine.handle.bind(sim.engine);
  sim.engine.handle = (req: SimRequest) => {
    seen.push(req);
    return handle(req);
  };
});
afterAll(() => sim?.close());

const auth = () => [...connectFlags(sim), '--password-stdin'];
/** Connection options before the verb, the rest after it. */
const run = (before: string[], after: string[]) =>
  proxmox([...before, ...after], { env, input: `${password}\n` });

function lastBody(path: string): [string, string][] {
  const req = seen.filter((r) => r.url.split('?')[0] === `/api2/json${path}`).at(-1);
  if (req === undefined) throw new Error(`no request to ${path}`);
  return [...new URLSearchParams(req.body?.toString('utf8') ?? '')];
}

function runningVm() {
  const g = [...sim.engine.cluster.guests.values()].find(
    (v) => v.type === 'qemu' && v.status === 'running' && !v.lock,
  )!;
  return `/nodes/${g.node}/qemu/${g.vmid}`;
}

describe('options before the verb', () => {
  it("are the CLI's own, so the same name after the path is the API's", async () => {
    const vm = runningVm();
    const r = await run(
      [...auth(), '--timeout', '20'],
      ['create', `${vm}/status/shutdown`, '--timeout', '60'],
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^UPID:/);
    expect(lastBody(`${vm}/status/shutdown`)).toEqual([['timeout', '60']]);
  });

  it('work with every command that has them, and are refused by one that has not', async () => {
    const r = await run([...auth(), '--output-format', 'json'], ['get', '/version']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).version).toBeTruthy();
    const usage = await proxmox(['--service', 'pbs', 'usage', '/admin/datastore'], { env });
    expect(usage.stdout).toMatch(/^USAGE: proxmox get \/admin\/datastore/m);
    const wrong = await proxmox(['--user', 'root@pam', 'completion', 'bash'], { env });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("option --user does not apply to 'proxmox completion'");
  });

  it('a mistyped one is refused with a suggestion', async () => {
    const r = await proxmox(['--profil', 'lab', 'get', '/version'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--profil' (did you mean --profile?)");
  });
});

describe('parameters are checked against the schema before anything is sent', () => {
  it.each([
    [['--output', 'json'], 'output', '--output-format'],
    [['-o', 'json'], 'o', '--output-format'],
  ])("%j: exit 2, pvesh's lines, a suggestion, no request at all", async (typo, key, suggestion) => {
    const before = seen.length;
    const r = await run(auth(), ['get', '/version', ...typo]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').slice(0, 3)).toEqual([
      '400 Parameter verification failed.',
      `${key}: property is not defined in schema and the schema does not allow additional properties (did you mean ${suggestion}?)`,
      'USAGE: proxmox get /version [FORMAT_OPTIONS]',
    ]);
    // Not even the login went out.
    expect(seen.length).toBe(before);
  });

  it('types, ranges and required parameters, with the usage line of the method', async () => {
    const before = seen.length;
    const r = await run(auth(), ['create', '/nodes/pve1/qemu', '--sockets', 'lots', '--cores', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("sockets: type check ('integer') failed - got 'lots'");
    expect(r.stderr).toContain('cores: value must have a minimum value of 1');
    expect(r.stderr).toContain('vmid: property is missing and it is not optional');
    expect(r.stderr).toContain(
      'USAGE: proxmox create /nodes/pve1/qemu --vmid <integer> [OPTIONS] [FORMAT_OPTIONS]',
    );
    expect(seen.length).toBe(before);
  });

  it('booleans go out as 1 or 0, whatever word was typed', async () => {
    const vm = runningVm();
    await run(auth(), ['set', `${vm}/config`, '--onboot', 'yes', '--protection', 'off', '--autostart']);
    expect(lastBody(`${vm}/config`)).toEqual([
      ['onboot', '1'],
      ['protection', '0'],
      ['autostart', '1'],
    ]);
  });

  it('an unknown path exits 4 and a verb the path lacks exits 2, both before sending', async () => {
    const before = seen.length;
    const missing = await run(auth(), ['get', '/nodes/pve1/nonsense']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain("no such resource '/nodes/pve1/nonsense'");
    const verb = await run(auth(), ['delete', '/version']);
    expect(verb.code).toBe(2);
    expect(verb.stderr).toContain("no 'delete' handler for '/version'; it has: get");
    expect(seen.length).toBe(before);
  });
});

describe('commands', () => {
  it('a prefix names the one command it begins (proxmox g = get, s = set as in pvesh); an ambiguous one is refused', async () => {
    const r = await run(auth(), ['g', '/version', '--output-format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).version).toBeTruthy();
    // pvesh's verbs win a prefix (pve-common CLIHandler.pm resolve_cmd over pvesh.pm's cmddef):
    // `s` is set although shell begins with it too, `c` is create.
    const s = await run(auth(), ['s', '/version', '-foo', '1']);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain("no 'set' handler for '/version'");
    const c = await run(auth(), ['c', '/version']);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain("no 'create' handler for '/version'");
    const co = await proxmox(['co', '/version'], { env });
    expect(co.code).toBe(2);
    expect(co.stderr).toContain("ambiguous command 'co': config, console, completion");
  });
});

describe('human-readable text', () => {
  it('renders bytes, percentages and durations by default, right-aligned; --human-readable 0 prints raw values and is not sent', async () => {
    const r = await run(auth(), ['get', '/nodes']);
    expect(r.code).toBe(0);
    const row = r.stdout.split('\n').find((l) => l.startsWith('│ pve1 '))!;
    const cells = row.split('│').map((c) => c.trim());
    const header = r.stdout
      .split('\n')[1]!
      .split('│')
      .map((c) => c.trim());
    const cell = (name: string) => cells[header.indexOf(name)]!;
    expect(cell('maxmem')).toMatch(/^\d+\.\d\d (B|KiB|MiB|GiB|TiB)$/);
    expect(cell('cpu')).toMatch(/^\d+\.\d\d%$/);
    expect(cell('uptime')).toMatch(/^(\d+[wdhms] ?)+$/);
    // Numbers are right-aligned: the padding is on the left of the cell.
    const raw = row.split('│')[header.indexOf('maxmem')]!;
    expect(raw).toMatch(/^ +\S.*\S $/);
    expect(raw.startsWith('  ') || raw.trim().length + 2 === raw.length).toBe(true);

    const plain = await run(auth(), ['get', '/nodes', '--human-readable', '0']);
    expect(plain.code).toBe(0);
    const plainRow = plain.stdout.split('\n').find((l) => l.startsWith('│ pve1 '))!;
    expect(plainRow.split('│').map((c) => c.trim())[header.indexOf('maxmem')]).toMatch(/^\d+$/);
    const req = seen.filter((q) => q.url.split('?')[0] === '/api2/json/nodes').at(-1)!;
    expect(req.url).not.toContain('human-readable');
    // JSON keeps the raw values whatever the setting.
    const json = await run(auth(), ['get', '/nodes', '--output-format', 'json']);
    expect(typeof JSON.parse(json.stdout)[0].maxmem).toBe('number');
  });
});
