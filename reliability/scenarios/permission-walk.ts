/**
 * The simulator enforces its permissions (issue 9): a privilege-separated API token whose
 * only role is the read-only auditor role calls every PVE method whose schema requires a
 * privilege that role lacks; each must answer 403 (or 401 where the method refuses API
 * tokens altogether). The requirement is read from the schema table here, independently
 * of the simulator's own evaluation; checks that depend on parameters (`require_param`,
 * `userid-param self`) are counted apart and not walked.
 */
import { root } from '../../src/generated/pve/schema.js';
import type { ApiMethod, SchemaNode } from '../../src/generated/schema-types.js';
import { SimulatorEngine } from '../../src/simulator/index.js';

export interface PermissionWalkFigures {
  /** Every method of the PVE schema. */
  methods: number;
  /** Open to any logged-in user (or the world) by schema: privileges, if any, are checked in code. */
  openBySchema: number;
  /** Granted to the auditor role by schema. */
  grantedBySchema: number;
  /** Depends on parameters; not walked. */
  conditional: number;
  /** Require a privilege the role lacks: walked. */
  walked: number;
  status403: number;
  /** Refused before the permission check because the method takes no API tokens. */
  status401NoTokens: number;
  /** Granted by schema, yet answered 403 (the grant is also sent, as a control). */
  grantedButRefused: Array<{ method: string; path: string; message: string }>;
  /** Walked methods that answered something else: each is a simulator bug. */
  other: Array<{ method: string; path: string; status: number; message: string }>;
}

type Verdict = 'granted' | 'denied' | 'conditional';

function allMethods(node: SchemaNode, out: ApiMethod[] = []): ApiMethod[] {
  for (const m of Object.values(node.methods)) if (m) out.push(m);
  for (const child of node.children) allMethods(child, out);
  return out;
}

function perlOptions(rest: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < rest.length; i += 2) out[String(rest[i])] = rest[i + 1];
  return out;
}

/** What the schema's check says for a subject with exactly `privs` on every path. */
function verdict(check: unknown, privs: ReadonlySet<string>): Verdict {
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
      const parts = rest.map((sub) => verdict(sub, privs));
      const decisive = kind === 'and' ? 'denied' : 'granted';
      if (parts.includes(decisive)) return decisive;
      return parts.every((p) => p === parts[0]) && parts.length > 0 ? parts[0]! : 'conditional';
    }
    case 'userid-param':
      return rest[0] === 'self' ? 'conditional' : privs.has('User.Modify') ? 'granted' : 'denied';
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

const PLACEHOLDERS: Record<string, string> = {
  node: 'pve1',
  vmid: '100',
  storage: 'local',
  userid: 'root@pam',
};

export async function runPermissionWalk(): Promise<PermissionWalkFigures> {
  const engine = new SimulatorEngine({ service: 'PVE' });
  const role = 'PVEAuditor';
  const privs = engine.access.roles.get(role)?.privs ?? new Set<string>();
  const auditor = engine.access.users.get('auditor@pve');
  if (auditor === undefined) throw new Error('the demo dataset has no auditor@pve');
  const secret = 'walk-0000-4000-a000-readonly';
  auditor.tokens.set('readonly', { tokenid: 'readonly', secret, privsep: true, expire: 0 });
  engine.access.grant('/', 'auditor@pve!readonly', role);
  const authorization = `PVEAPIToken=auditor@pve!readonly=${secret}`;

  const figures: PermissionWalkFigures = {
    methods: 0,
    openBySchema: 0,
    grantedBySchema: 0,
    conditional: 0,
    walked: 0,
    status403: 0,
    status401NoTokens: 0,
    grantedButRefused: [],
    other: [],
  };
  for (const m of allMethods(root)) {
    figures.methods++;
    const p = m.permissions;
    if (p?.user === 'all' || p?.user === 'world') {
      figures.openBySchema++;
      continue;
    }
    const v = p === undefined ? 'denied' : p.user !== undefined ? 'denied' : verdict(p.check, privs);
    if (v === 'conditional') {
      figures.conditional++;
      continue;
    }
    const path = m.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
      encodeURIComponent(PLACEHOLDERS[name] ?? 'x'),
    );
    const res = await engine.handle({
      method: m.method,
      url: `/api2/json${path}`,
      headers: { authorization },
    });
    const message = () => (JSON.parse(res.body.toString()) as { message?: string }).message?.trim() ?? '';
    if (v === 'granted') {
      figures.grantedBySchema++;
      if (res.status === 403)
        figures.grantedButRefused.push({ method: m.method, path: m.path, message: message() });
      continue;
    }
    figures.walked++;
    if (res.status === 403) figures.status403++;
    else if (res.status === 401 && !m.allowtoken) figures.status401NoTokens++;
    else figures.other.push({ method: m.method, path: m.path, status: res.status, message: message() });
  }
  return figures;
}
