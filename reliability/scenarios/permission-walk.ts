/**
 * The simulator enforces its permissions (issue 9). On each product a read-only identity calls
 * every schema method: where the schema requires something the identity lacks, the answer must
 * be 403 in the product's wording (or 401 where the method takes no API tokens); where the
 * schema lets it through, the answer must not be a refusal. The requirement is read from the
 * schema table here, independently of the simulator's own evaluation.
 *
 * Identities: PVE, a privilege-separated token of auditor@pve with PVEAuditor on `/`. PBS and
 * PDM, a token of auditor@pbs / auditor@pdm with the audit role on `/` (their tokens always
 * carry their own ACL: they get the intersection with their user's privileges). PMG has no
 * API tokens and no ACLs: auditor@pmg, whose role is `audit`, logs in with a ticket.
 */

import type { ServiceName } from '../../src/core/services.js';
import type { ApiMethod, JsonSchema } from '../../src/generated/schema-types.js';
import { schemaMethods } from '../../src/simulator/engine/schema-table.js';
import { SimulatorEngine } from '../../src/simulator/index.js';
import { stringSample } from '../../src/simulator/state/samples.js';

export interface WalkCall {
  method: string;
  path: string;
  status: number;
  message: string;
}

export interface ProductWalkFigures {
  identity: string;
  role: string;
  /** Every method of the product's schema. */
  methods: number;
  /** `user: all` or `world`: no privilege by schema (any check happens in the handler). */
  openBySchema: number;
  /** The schema's check grants it to the identity. */
  grantedBySchema: number;
  /** Depends on parameters (PVE `require_param`, `userid-param self`): not called. */
  conditional: number;
  /** Methods called: expected403 + allowed. */
  walked: number;
  /** The schema requires a privilege (or role, or root) the identity lacks. */
  expected403: number;
  got403: number;
  /** PVE methods that take no API tokens (schema `allowtoken: 0`), walked with a token. */
  tokenless: number;
  /** Of those, refused with 403 "not available with API token" before any permission check. */
  tokenRefused: number;
  /** Open or granted by schema. */
  allowed: number;
  /** Allowed calls the permission check let through (any answer but 401 and 403). */
  allowedOk: number;
  /** Expected 403, answered otherwise: each one a simulator gap. */
  notRefused: WalkCall[];
  /** Answered 403 with another wording than the product's. */
  wrongWording: WalkCall[];
  /** Granted by schema, yet refused. */
  grantedButRefused: WalkCall[];
  /** Open by schema and refused by the handler's own check (the real servers do the same). */
  openButRefused: WalkCall[];
}

export type PermissionWalkFigures = Record<ServiceName, ProductWalkFigures>;

type Verdict = 'open' | 'granted' | 'denied' | 'conditional';

/** What the servers answer on a failed check (pve-common `raise_perm_exc`, proxmox-rest-server). */
const WORDING: Record<ServiceName, RegExp> = {
  PVE: /^Permission check failed( \(.+\))?$/,
  PMG: /^Permission check failed( \(.+\))?$/,
  PBS: /^permission check failed$/,
  PDM: /^permission check failed$/,
};

/** The read-only roles' privileges as upstream defines them (pbs-api-types, pdm-api-types acl.rs). */
const READ_ONLY: Record<'PBS' | 'PDM', { role: string; privs: string[] }> = {
  PBS: { role: 'Audit', privs: ['Sys.Audit', 'Datastore.Audit'] },
  PDM: { role: 'Auditor', privs: ['System.Audit', 'Resource.Audit', 'Access.Audit'] },
};

function perlOptions(rest: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < rest.length; i += 2) out[String(rest[i])] = rest[i + 1];
  return out;
}

/** PVE's check lists, for a subject with exactly `privs` on every path. */
function perlVerdict(check: unknown, privs: ReadonlySet<string>): Verdict {
  if (!Array.isArray(check)) return 'denied';
  const [kind, ...rest] = check as [string, ...unknown[]];
  switch (kind) {
    case 'perm': {
      const wanted = (rest[1] as string[] | undefined) ?? [];
      const opts = perlOptions(rest.slice(2));
      if (opts.require_param !== undefined) return 'conditional';
      const ok = opts.any ? wanted.some((p) => privs.has(p)) : wanted.every((p) => privs.has(p));
      return ok ? 'granted' : 'denied';
    }
    case 'and':
    case 'or': {
      const parts = rest.map((sub) => perlVerdict(sub, privs));
      const decisive = kind === 'and' ? 'denied' : 'granted';
      if (parts.includes(decisive)) return decisive;
      return parts.every((p) => p === parts[0]) && parts.length > 0 ? parts[0]! : 'conditional';
    }
    case 'userid-param':
      // The PVE walker is an API token, and a token is never its user's `self`.
      if (rest[0] === 'self') return 'denied';
      return privs.has('User.Modify') ? 'granted' : 'denied';
    case 'userid-group': {
      const wanted = (rest[0] as string[] | undefined) ?? [];
      return wanted.some((p) => privs.has(p)) ? 'granted' : 'denied';
    }
    case 'perm-modify':
      return privs.has('Permissions.Modify') ? 'granted' : 'denied';
    default:
      return 'denied';
  }
}

/**
 * proxmox-router's `check_api_permission` for a token (never the superuser) with exactly `privs`
 * on every path. Only the path's own parameters count: a `{name}` the URL does not carry fails.
 * `partial` means any one of the privileges.
 */
function rustVerdict(
  spec: unknown,
  privs: ReadonlySet<string>,
  authId: string,
  uri: Record<string, string>,
): boolean {
  if (!spec || typeof spec !== 'object') return false;
  const s = spec as Record<string, unknown>;
  if (s.user === 'all' || s.user === 'world') return true;
  if (typeof s.user === 'string') return s.user === authId;
  if (Array.isArray(s.or)) return s.or.some((sub) => rustVerdict(sub, privs, authId, uri));
  if (Array.isArray(s.and)) return s.and.every((sub) => rustVerdict(sub, privs, authId, uri));
  if (typeof s.userParam === 'string') return uri[s.userParam] === authId;
  const check = s.check as { path?: string[]; privs?: string[]; partial?: boolean } | undefined;
  if (!check?.path) return false;
  const known = check.path.every((c) => !/^\{.+\}$/.test(c) || uri[c.slice(1, -1)] !== undefined);
  const wanted = check.privs ?? [];
  return known && (check.partial ? wanted.some((p) => privs.has(p)) : wanted.every((p) => privs.has(p)));
}

interface Identity {
  id: string;
  role: string;
  headers: (method: string) => Record<string, string>;
  verdict: (m: ApiMethod, uri: Record<string, string>) => Verdict;
  /** Path parameter values beside the simulator's samples. */
  values: Record<string, string>;
}

function isOpen(m: ApiMethod): boolean {
  return m.permissions?.user === 'all' || m.permissions?.user === 'world';
}

const SECRET = 'walk-0000-4000-a000-readonly';

function pveIdentity(engine: SimulatorEngine): Identity {
  const role = 'PVEAuditor';
  // PVE roles are the simulator's own table here; PBS/PDM below are written out from upstream.
  const privs = engine.access.roles.get(role)?.privs ?? new Set<string>();
  const auditor = engine.access.users.get('auditor@pve');
  if (auditor === undefined) throw new Error('the demo dataset has no auditor@pve');
  auditor.tokens.set('readonly', { tokenid: 'readonly', secret: SECRET, privsep: true, expire: 0 });
  engine.access.grant('/', 'auditor@pve!readonly', role);
  const authorization = `PVEAPIToken=auditor@pve!readonly=${SECRET}`;
  return {
    id: 'auditor@pve!readonly',
    role,
    headers: () => ({ authorization }),
    verdict: (m) => (isOpen(m) ? 'open' : m.permissions ? perlVerdict(m.permissions.check, privs) : 'denied'),
    values: { node: 'pve1', vmid: '100', storage: 'local', userid: 'root@pam' },
  };
}

function rustIdentity(engine: SimulatorEngine, service: 'PBS' | 'PDM'): Identity {
  const { role, privs } = READ_ONLY[service];
  const realm = service.toLowerCase();
  const user = engine.access.users.get(`auditor@${realm}`);
  if (user === undefined) throw new Error(`the demo dataset has no auditor@${realm}`);
  const id = `auditor@${realm}!readonly`;
  user.tokens.set('readonly', { tokenid: 'readonly', secret: SECRET, privsep: true, expire: 0 });
  engine.access.grant('/', id, role);
  const authorization = `${service}APIToken=${id}:${SECRET}`;
  const set = new Set(privs);
  return {
    id,
    role,
    headers: () => ({ authorization }),
    verdict: (m, uri) =>
      isOpen(m) ? 'open' : rustVerdict(m.permissions, set, id, uri) ? 'granted' : 'denied',
    // The token's own user: a token is not its user (`userParam` compares the full auth id).
    values: { node: engine.localNode, userid: `auditor@${realm}`, upid: ownUpid(engine.localNode, id, true) },
  };
}

async function pmgIdentity(engine: SimulatorEngine): Promise<Identity> {
  const res = await engine.handle({
    method: 'POST',
    url: '/api2/json/access/ticket',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from('username=auditor%40pmg&password=auditor'),
  });
  const data = (JSON.parse(res.body.toString()) as { data?: Record<string, string> }).data;
  if (res.status !== 200 || !data?.ticket || data.role !== 'audit')
    throw new Error('auditor@pmg cannot log in');
  const cookie = `PMGAuthCookie=${encodeURIComponent(data.ticket)}`;
  const csrf = data.CSRFPreventionToken ?? '';
  return {
    id: 'auditor@pmg',
    role: 'audit',
    headers: (method) => (method === 'GET' ? { cookie } : { cookie, csrfpreventiontoken: csrf }),
    // PMG's check is a list of roles (pmg-api RESTEnvironment::check_api2_permissions); no list: root only.
    verdict: (m) => {
      if (isOpen(m)) return 'open';
      const allowed = m.permissions?.check;
      return Array.isArray(allowed) && allowed.includes('audit') ? 'granted' : 'denied';
    },
    values: {
      node: engine.localNode,
      userid: 'root@pam',
      upid: ownUpid(engine.localNode, 'auditor@pmg', false),
    },
  };
}

/**
 * A task UPID of the walker's own: the task methods check in code that someone else's task
 * needs Sys.Audit/Sys.Modify (proxmox-backup tasks.rs check_task_access, stop_task), which
 * the schema's `user: all` does not show; the walk is about the schema's permissions.
 */
function ownUpid(node: string, authId: string, withTaskId: boolean): string {
  return `UPID:${node}:00001234:00005678:${withTaskId ? '00000001:' : ''}65000000:walk::${authId}:`;
}

function pathParams(m: ApiMethod, values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [, name] of m.path.matchAll(/\{([^}]+)\}/g)) {
    if (name === undefined) continue;
    const schema: JsonSchema = m.parameters?.properties?.[name] ?? { type: 'string' };
    out[name] = values[name] ?? stringSample(schema, name);
  }
  return out;
}

function messageOf(body: Buffer | string): string {
  try {
    return ((JSON.parse(body.toString()) as { message?: string }).message ?? '').trim();
  } catch {
    return body.toString().trim();
  }
}

async function identityFor(engine: SimulatorEngine, service: ServiceName): Promise<Identity> {
  if (service === 'PVE') return pveIdentity(engine);
  if (service === 'PMG') return pmgIdentity(engine);
  return rustIdentity(engine, service);
}

export async function walkProduct(service: ServiceName): Promise<ProductWalkFigures> {
  const engine = new SimulatorEngine({ service });
  const who = await identityFor(engine, service);
  const f: ProductWalkFigures = {
    identity: who.id,
    role: who.role,
    methods: 0,
    openBySchema: 0,
    grantedBySchema: 0,
    conditional: 0,
    walked: 0,
    expected403: 0,
    got403: 0,
    tokenless: 0,
    tokenRefused: 0,
    allowed: 0,
    allowedOk: 0,
    notRefused: [],
    wrongWording: [],
    grantedButRefused: [],
    openButRefused: [],
  };
  for (const m of schemaMethods(service)) {
    f.methods++;
    const uri = pathParams(m, who.values);
    const v = who.verdict(m, uri);
    if (v === 'conditional') {
      f.conditional++;
      continue;
    }
    const path = m.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(uri[name] ?? ''));
    const res = await engine.handle({
      method: m.method,
      url: `/api2/json${path}`,
      headers: who.headers(m.method),
    });
    const call = (): WalkCall => ({
      method: m.method,
      path: m.path,
      status: res.status,
      message: messageOf(res.body),
    });
    f.walked++;
    if (service === 'PVE' && !m.allowtoken) {
      // pve-manager PVE/HTTPServer.pm auth_handler: a token on a method without `allowtoken`
      // is refused with 403 before the permission check, whatever the token may do.
      f.tokenless++;
      if (res.status === 403 && /not available with API token/.test(call().message)) f.tokenRefused++;
      else f.notRefused.push(call());
      continue;
    }
    if (v === 'denied') {
      f.expected403++;
      if (res.status === 403) {
        f.got403++;
        if (!WORDING[service].test(call().message)) f.wrongWording.push(call());
      } else f.notRefused.push(call());
      continue;
    }
    f.allowed++;
    if (v === 'open') f.openBySchema++;
    else f.grantedBySchema++;
    if (res.status !== 401 && res.status !== 403) f.allowedOk++;
    else (v === 'open' ? f.openButRefused : f.grantedButRefused).push(call());
  }
  return f;
}

export async function runPermissionWalk(): Promise<PermissionWalkFigures> {
  return {
    PVE: await walkProduct('PVE'),
    PBS: await walkProduct('PBS'),
    PMG: await walkProduct('PMG'),
    PDM: await walkProduct('PDM'),
  };
}
