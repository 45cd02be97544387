/**
 * The simulator under fuzzing (issue 9): random methods, paths (schema templates with odd
 * fillings, and plain garbage), parameters, headers and bodies go straight into
 * `engine.handle()`. It must always answer (never throw), answer bad input with 4xx (501
 * where pveproxy does: unknown methods and paths, bodies on GET), keep its state consistent
 * (the set of guests changes only by a successful create, or by a destroy task it accepted)
 * and still serve a plain request at the end.
 */
import fc from 'fast-check';
import { type SimRequest, SimulatorEngine } from '../../src/simulator/index.js';

export interface SimFuzzFigures {
  requests: number;
  /** fast-check seed: the same seed replays the same requests. */
  seed: number;
  byClass: Record<string, number>;
  /** 500 answers by message (numbers and node names masked): Proxmox answers these as 500 too. */
  status500: Record<string, number>;
  /** 500 answers whose message is a JavaScript error: a simulator bug, not a Proxmox answer. */
  crashes: string[];
  /** Other 5xx besides 501 and 500. */
  other5xx: number;
  threw: number;
  stateViolations: string[];
  aliveAtEnd: boolean;
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'get', 'PATCH', 'HEAD', 'OPTIONS', 'X'];
const odd = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    '',
    '%',
    '%zz',
    '..',
    '.',
    '%2F',
    '-1',
    '0',
    '99999999999',
    'pve1',
    'pve9',
    '100',
    '101',
    '102',
  ),
  fc.integer({ min: 100, max: 140 }).map(String),
);
const paramValue = fc.oneof(
  odd,
  fc.constantFrom('1', '0', 'true', 'on', 'x'.repeat(5000), '\u0000', 'a,b;c'),
);
const params = fc.dictionary(
  fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.constantFrom(
      'vmid',
      'node',
      'name',
      'memory',
      'delete',
      'digest',
      'constructor',
      '__proto__',
      'valueOf',
    ),
  ),
  paramValue,
  { maxKeys: 5 },
);

function fillTemplate(template: string, values: string[]): string {
  let i = 0;
  return template.replace(/\{[^}]+\}/g, () => encodeURIComponent(values[i++ % values.length] ?? 'x'));
}

const encodeForm = (p: Record<string, string>) => new URLSearchParams(p).toString();

export function requestArbitrary(engine: SimulatorEngine): fc.Arbitrary<SimRequest> {
  const entries = [...engine.router.entries()].map((e) => [e.method, e.template] as const);
  const anyMethod = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE') },
    fc.constantFrom(...METHODS),
  );
  const filled = (t: string) =>
    fc.array(odd, { minLength: 1, maxLength: 4 }).map((v) => `/api2/json${fillTemplate(t, v)}`);
  const target = fc.oneof(
    // A method the route has, so most requests get past routing to auth, permissions and handlers.
    {
      weight: 6,
      arbitrary: fc
        .constantFrom(...entries)
        .chain(([m, t]) => filled(t).map((path) => ({ method: m, path }))),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          anyMethod,
          fc.constantFrom(...entries).chain(([, t]) => filled(t)),
        )
        .map(([method, path]) => ({ method, path })),
    },
    // Creates and destroys with plausible values, so that the state really changes now and then.
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom('pve1', 'pve2', 'pve3'), fc.integer({ min: 100, max: 150 }), fc.boolean())
        .map(([node, vmid, create]) =>
          create
            ? { method: 'POST', path: `/api2/json/nodes/${node}/qemu?vmid=${vmid}&memory=256` }
            : { method: 'DELETE', path: `/api2/json/nodes/${node}/qemu/${vmid}` },
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          anyMethod,
          fc.oneof(
            fc.array(odd, { maxLength: 5 }).map((segs) => `/api2/json/${segs.join('/')}`),
            fc.constantFrom(
              '/',
              '/api2',
              '/api2/json',
              '/api2/extjs/version',
              '/api2/json/../x',
              '//api2/json',
            ),
          ),
        )
        .map(([method, path]) => ({ method, path })),
    },
  );
  const auth = fc.oneof(
    { weight: 4, arbitrary: fc.constant('root-ticket') },
    fc.constantFrom('token', 'garbage', 'none', 'auditor-ticket'),
  );
  const body = fc.oneof(
    fc.constant(undefined),
    params.map((p) => ({ type: 'application/x-www-form-urlencoded', data: Buffer.from(encodeForm(p)) })),
    params.map((p) => ({ type: 'application/json', data: Buffer.from(JSON.stringify(p)) })),
    fc.constantFrom('{', '[1,2]', 'null', '"x"', '--b\r\nbad', '\u00ff\u00fe').map((t) => ({
      type: fc.sample(
        fc.constantFrom('application/json', 'multipart/form-data; boundary=b', 'text/plain', ''),
        1,
      )[0]!,
      data: Buffer.from(t, 'latin1'),
    })),
  );
  return fc
    .record({
      target,
      query: params,
      body,
      auth,
      chunked: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
      bodyOnRead: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    })
    .map((r) => {
      const { method, path } = r.target;
      const headers: SimRequest['headers'] = {};
      const now = engine.clock.now();
      if (r.auth === 'root-ticket' || r.auth === 'auditor-ticket') {
        const user = r.auth === 'root-ticket' ? 'root@pam' : 'auditor@pve';
        headers.cookie = `PVEAuthCookie=${encodeURIComponent(engine.signer.create('PVE', user, now))}`;
        headers.csrfpreventiontoken = engine.signer.csrfToken(user, now);
      } else if (r.auth === 'token') {
        const token = engine.accounts.find((a) => a.userid.startsWith('automation@'))!.tokens[0]!;
        headers.authorization = `PVEAPIToken=automation@pve!${token.tokenid}=${token.value}`;
      } else if (r.auth === 'garbage') {
        headers.cookie = 'PVEAuthCookie=PVE:root@pam:00000000::AAAA';
        headers.authorization = 'PVEAPIToken=x';
      }
      if (r.chunked) headers['transfer-encoding'] = 'chunked';
      const query = encodeForm(r.query);
      const joiner = path.includes('?') ? '&' : '?';
      const req: SimRequest = { method, url: query ? `${path}${joiner}${query}` : path, headers };
      const reads = method === 'GET' || method === 'DELETE';
      if (r.body !== undefined && (!reads || r.bodyOnRead)) {
        headers['content-type'] = r.body.type;
        headers['content-length'] = String(r.body.data.length);
        req.body = r.body.data;
      }
      return req;
    });
}

const JS_ERROR =
  /Cannot (read|set) propert|is not a function|is not iterable|is not defined|Maximum call stack|Invalid (array length|time value)|Unexpected token|undefined|\[object Object\]/;

const statusClass = (s: number) => (s === 501 ? '501' : `${Math.floor(s / 100)}xx`);

export async function runSimulatorFuzz(requests: number, seed = 9): Promise<SimFuzzFigures> {
  const engine = new SimulatorEngine({ service: 'PVE', taskDurationMs: 0 });
  const samples = fc.sample(requestArbitrary(engine), { numRuns: requests, seed });
  const figures: SimFuzzFigures = {
    requests,
    seed,
    byClass: {},
    status500: {},
    crashes: [],
    other5xx: 0,
    threw: 0,
    stateViolations: [],
    aliveAtEnd: false,
  };
  // Guests a successful DELETE asked to destroy: their task may remove them later.
  const destroying = new Set<number>();
  for (const req of samples) {
    const before = new Set(engine.cluster.guests.keys());
    let status: number;
    let body = '';
    try {
      const res = await engine.handle(req);
      status = res.status;
      body = res.body.toString();
    } catch (error) {
      figures.threw++;
      figures.stateViolations.push(`threw on ${req.method} ${req.url}: ${(error as Error).message}`);
      continue;
    }
    figures.byClass[statusClass(status)] = (figures.byClass[statusClass(status)] ?? 0) + 1;
    if (status === 500) {
      const message = /"message":"([^"\\]*)/.exec(body)?.[1] ?? body;
      if (JS_ERROR.test(message)) figures.crashes.push(`${req.method} ${req.url}: ${message}`);
      const masked = message
        .replace(/'[^']*'/g, "'…'")
        .replace(/\d+/g, 'N')
        .slice(0, 70);
      figures.status500[masked] = (figures.status500[masked] ?? 0) + 1;
      // 506: pveproxy's refusal of a body type it cannot read (AnyEvent.pm), a Proxmox answer.
    } else if (status >= 502 && status !== 506) figures.other5xx++;
    const after = new Set(engine.cluster.guests.keys());
    const method = req.method.toUpperCase();
    if (method === 'DELETE' && status === 200) {
      const vmid = Number(/\/(?:qemu|lxc)\/(\d+)(?:\?|$)/.exec(req.url)?.[1]);
      if (Number.isInteger(vmid)) destroying.add(vmid);
    }
    for (const vmid of after) {
      if (!before.has(vmid) && !(method === 'POST' && status === 200)) {
        figures.stateViolations.push(`guest ${vmid} appeared on ${req.method} ${req.url} -> ${status}`);
      }
    }
    for (const vmid of before) {
      if (!after.has(vmid) && !destroying.has(vmid)) {
        figures.stateViolations.push(`guest ${vmid} vanished on ${req.method} ${req.url} -> ${status}`);
      }
    }
    for (const [vmid, guest] of engine.cluster.guests) {
      if (guest.vmid !== vmid || !engine.cluster.nodes.has(guest.node)) {
        figures.stateViolations.push(`guest ${vmid} is inconsistent after ${req.method} ${req.url}`);
      }
    }
  }
  const check = await engine.call('GET', '/version');
  figures.aliveAtEnd = check.status === 200;
  return figures;
}
