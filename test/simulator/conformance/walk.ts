/**
 * Walks every schema method of a service against a fresh demo engine each (so one call's
 * changes cannot break the next), as root, with valid parameters, and checks the answer.
 */

import type { ServiceName } from '../../../src/core/services.js';
import type { ApiMethod, JsonSchema } from '../../../src/generated/schema-types.js';
import { SimulatorEngine } from '../../../src/simulator/index.js';
import { wireSample } from '../../../src/simulator/state/samples.js';
import { consoleFixtures } from './console-fixtures.js';
import { networkFixtures, REFUSED_BY_DESIGN } from './network-fixtures.js';
import { shapeErrors } from './shape.js';

export interface WalkResult {
  service: ServiceName;
  methods: number;
  passed: number;
  failures: { method: string; path: string; problem: string }[];
}

function pickVmid(engine: SimulatorEngine, api: ApiMethod, type: 'qemu' | 'lxc'): number {
  const stoppedWanted =
    /\/status\/start$|\/template$|\/lxc\/\{vmid\}\/move_volume$/.test(api.path) ||
    (api.method === 'DELETE' && /\{vmid\}$/.test(api.path));
  for (const g of engine.cluster.guests.values()) {
    if (g.node !== engine.localNode || g.type !== type) continue;
    if (stoppedWanted === (g.status === 'stopped')) return g.vmid;
  }
  return 100;
}

const REALM: Record<ServiceName, string> = { PVE: 'pve', PBS: 'pbs', PMG: 'pmg', PDM: 'pdm' };
const AUDIT: Record<ServiceName, string> = { PVE: 'PVEAuditor', PBS: 'Audit', PMG: 'audit', PDM: 'Auditor' };

/** Existing (or, for creation, fresh) objects for the access API. */
function accessFixture(engine: SimulatorEngine, api: ApiMethod, name: string): string | undefined {
  if (!api.path.startsWith('/access') || engine.service === 'PMG') return undefined;
  const realm = REALM[engine.service];
  const creating = api.method === 'POST';
  switch (name) {
    case 'userid':
      if (api.path === '/access/users') return creating ? `new@${realm}` : undefined;
      if (api.path.startsWith('/access/tfa')) return creating ? `automation@${realm}` : `tfa@${realm}`;
      // unlock_and_reset_tfa knows only users of the TFA config ("no such user" otherwise).
      if (api.path.endsWith('/unlock-tfa')) return `tfa@${realm}`;
      return api.path.startsWith('/access/users/') || api.path === '/access/password'
        ? `automation@${realm}`
        : undefined;
    case 'tokenid':
    case 'token-name':
      return creating ? 'newtoken' : 'ci';
    case 'id':
      return api.path.startsWith('/access/tfa') ? 'totp' : undefined;
    case 'type':
      return api.path.startsWith('/access/tfa') ? 'recovery' : undefined;
    case 'groupid':
      return creating ? 'newgroup' : 'operators';
    case 'roleid':
      if (creating) return 'NewRole';
      return api.method === 'GET' ? AUDIT[engine.service] : 'VMOperator';
    case 'role':
    case 'roles':
      return AUDIT[engine.service];
    default:
      return undefined;
  }
}

/** PBS datastore objects that exist in the demo dataset. */
function pbsFixture(engine: SimulatorEngine, api: ApiMethod, name: string): string | undefined {
  if (engine.service !== 'PBS') return undefined;
  const store = engine.datastores.get('store1');
  const newest = store?.snapshots
    .filter((s) => s.ns === '' && s.type === 'vm' && s.id === '100')
    .sort((a, b) => b.time - a.time)[0];
  switch (name) {
    case 'store':
      return 'store1';
    case 'name':
      if (!api.path.startsWith('/config/datastore')) return undefined;
      return api.method === 'POST' ? 'newstore' : 'store1';
    case 'ns':
      return api.method === 'DELETE' && api.path.endsWith('/namespace') ? 'archive' : undefined;
    case 'backup-type':
      return api.path.startsWith('/admin/datastore') ? 'vm' : undefined;
    case 'backup-id':
      return api.path.startsWith('/admin/datastore') ? '100' : undefined;
    case 'backup-time':
      return api.path.startsWith('/admin/datastore') && newest ? String(newest.time) : undefined;
    default:
      return undefined;
  }
}

/** PMG quarantine mail and rule database groups that exist in the demo dataset. */
function pmgFixture(engine: SimulatorEngine, api: ApiMethod, name: string): string | undefined {
  if (engine.service !== 'PMG') return undefined;
  switch (name) {
    case 'pmail':
      return 'alice@example.com';
    case 'id':
      return api.path === '/quarantine/content' ? engine.pmg.mails[0]?.id : undefined;
    case 'ogroup': {
      const kind = /\/config\/ruledb\/(who|what|when)\//.exec(api.path)?.[1];
      const first = kind ? [...engine.pmg.kind(kind).keys()][0] : undefined;
      return first === undefined ? undefined : String(first);
    }
    default:
      return undefined;
  }
}

function fixture(
  engine: SimulatorEngine,
  api: ApiMethod,
  name: string,
  schema: JsonSchema,
): string | undefined {
  const guestType = api.path.includes('/lxc') ? 'lxc' : 'qemu';
  const access =
    accessFixture(engine, api, name) ?? pbsFixture(engine, api, name) ?? pmgFixture(engine, api, name);
  if (access !== undefined) return access;
  switch (name) {
    case 'node':
      return engine.localNode;
    case 'vmid':
      if (api.method === 'POST' && /\/(qemu|lxc)$/.test(api.path))
        return String(engine.cluster.nextFreeVmid(9000));
      if (api.path.includes('{vmid}')) return String(pickVmid(engine, api, guestType));
      return undefined;
    case 'username':
      return api.path === '/access/ticket' ? 'root@pam' : undefined;
    case 'password':
      return api.path === '/access/ticket' ? 'proxmox' : undefined;
    case 'upid':
      return engine.tasks.start({ node: engine.localNode, type: 'qmstart', id: '100', user: 'root@pam' })
        .upid;
    case 'snapname':
      return api.method === 'POST' && api.path.endsWith('/snapshot') ? 'fresh_snap' : 'before_upgrade';
    case 'volume':
      if (schema.enum) return undefined;
      return engine.service === 'PVE' ? 'local:iso/debian-13.1.0-amd64-netinst.iso' : undefined;
    case 'template':
      // apl_download takes a template of the node's appliance index.
      return api.path.endsWith('/aplinfo') ? 'debian-13-standard_13.1-2_amd64.tar.zst' : undefined;
    case 'filename':
      return api.path.endsWith('/download-url') ? 'downloaded.iso' : undefined;
    case 'poolid':
      if (api.method === 'POST') return 'newpool';
      return api.method === 'DELETE' ? 'lab' : 'production';
    case 'storage':
      if (api.path === '/storage' && api.method === 'POST') return 'newstore';
      // move_disk and move_volume need a storage that holds guest volumes.
      if (/\/move_(disk|volume)$/.test(api.path)) return 'shared-nfs';
      return api.path.startsWith('/nodes/') || api.path.startsWith('/storage') ? 'local' : undefined;
    case 'disk':
      return /\/(resize|move_disk)$/.test(api.path) && guestType === 'qemu' ? 'scsi0' : undefined;
    case 'size':
      return api.path.endsWith('/resize') ? '+1G' : undefined;
    case 'newid':
      return String(engine.cluster.nextFreeVmid(9100));
    case 'target':
      if (engine.service === 'PVE' && api.path.endsWith('/migrate')) return 'pve2';
      return undefined;
    case 'file':
      // A file the guest has: reading a missing one is the agent's 500, as on a real guest.
      return api.path.endsWith('/agent/file-read') ? '/etc/hostname' : undefined;
    default:
      return schema.type === undefined ? 'sample' : undefined;
  }
}

export async function sampleParams(engine: SimulatorEngine, api: ApiMethod): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, schema] of Object.entries(api.parameters?.properties ?? {})) {
    const inPath = api.path.includes(`{${name}}`);
    // PMG needs `pmail` from admins although the schema marks it optional (quarantine users default to their own).
    // move_disk/move_volume need `storage` (or target-vmid) although both are optional in the schema.
    const needed =
      inPath ||
      (name === 'pmail' && engine.service === 'PMG') ||
      (name === 'storage' && /\/move_(disk|volume)$/.test(api.path));
    if ((schema.optional && !needed) || name.endsWith('[n]')) continue;
    out[name] = fixture(engine, api, name, schema) ?? wireSample(schema, name);
  }
  if (api.method === 'POST' && api.path === '/access/ticket')
    Object.assign(out, { username: 'root@pam', password: 'proxmox' });
  // State the call needs before it can succeed.
  if (api.method === 'POST' && /\/(qemu|lxc)\/\{vmid\}\/migrate$/.test(api.path))
    out[api.path.includes('/lxc/') ? 'restart' : 'online'] = '1';
  // A config change without options is refused (qemu-server update_vm_api, pve-container update_vm).
  if (/\/(qemu|lxc)\/\{vmid\}\/config$/.test(api.path) && api.method !== 'GET')
    out.description = 'conformance';
  // A container's rootfs defaults to the `local` storage, which holds no containers here (LXC.pm create_vm).
  if (api.method === 'POST' && /\/lxc$/.test(api.path)) out.rootfs = 'local-lvm:1';
  // Content.pm create: an image named for its guest (Plugin.pm alloc_image), with its format on a dir storage.
  if (api.method === 'POST' && api.path.endsWith('/storage/{storage}/content'))
    out.filename = `vm-${out.vmid}-disk-9.raw`;
  if (api.path.endsWith('/agent/exec-status')) {
    const started = await engine.call('POST', `/nodes/${out.node}/qemu/${out.vmid}/agent/exec`, {
      command: 'true',
    });
    out.pid = String((started.data as { pid: number }).pid);
  }
  await networkFixtures(engine, api, out);
  await consoleFixtures(engine, api, out);
  return out;
}

/** The storage upload layout of PROTOCOL.md: fields first, then the file part `filename`. */
function multipart(fields: URLSearchParams): { type: string; data: Buffer } {
  const boundary = 'conformance-boundary';
  const parts: string[] = [];
  for (const [key, value] of fields) {
    if (key === 'filename') continue;
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${value}\r\n`);
  }
  parts.push(
    `--${boundary}\r\nContent-Disposition: form-data; name="filename"; filename="uploaded.iso"\r\nContent-Type: application/octet-stream\r\n\r\nISO DATA\r\n--${boundary}--\r\n`,
  );
  return { type: `multipart/form-data; boundary=${boundary}`, data: Buffer.from(parts.join('')) };
}

async function rootSession(engine: SimulatorEngine): Promise<Record<string, string>> {
  const res = await engine.handle({
    method: 'POST',
    url: '/api2/json/access/ticket',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from('username=root%40pam&password=proxmox'),
  });
  const data = JSON.parse(String(res.body)).data;
  const cookieName = `${engine.service}AuthCookie`;
  const ticket = data.ticket ?? '';
  const setCookie = res.headers['set-cookie'];
  const cookie = ticket ? `${cookieName}=${encodeURIComponent(ticket)}` : (setCookie ?? '').split(';')[0];
  return { cookie: cookie ?? '', csrfpreventiontoken: data.CSRFPreventionToken };
}

/**
 * Answers where the servers send something other than their schema declares, and the
 * simulator follows the servers: key is `SERVICE METHOD path`, value the answer path.
 */
const SCHEMA_QUIRKS: Record<string, string> = {
  // The Rust schemas type the new recovery keys as integers; the keys are strings.
  'PBS POST /access/tfa/{userid}': '$.recovery',
  'PDM POST /access/tfa/{userid}': '$.recovery',
};

export async function walkService(service: ServiceName): Promise<WalkResult> {
  const probe = new SimulatorEngine({ service });
  const methods = [...probe.router.entries()].filter((e) => e.info.api).map((e) => e.info.api!);
  const result: WalkResult = { service, methods: methods.length, passed: 0, failures: [] };
  const intBooleans = service === 'PVE' || service === 'PMG';
  for (const api of methods) {
    const engine = new SimulatorEngine({ service, taskDurationMs: 0 });
    const headers = await rootSession(engine);
    const params = await sampleParams(engine, api);
    let path = api.path;
    const query = new URLSearchParams();
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (path.includes(`{${key}}`)) path = path.replace(`{${key}}`, encodeURIComponent(value));
      else (api.method === 'GET' || api.method === 'DELETE' ? query : body).append(key, value);
    }
    const qs = query.size > 0 ? `?${query}` : '';
    const hasBody = api.method === 'POST' || api.method === 'PUT';
    const upload = api.method === 'POST' && api.path.endsWith('/upload') && engine.service === 'PVE';
    const encoded = upload
      ? multipart(body)
      : { type: 'application/x-www-form-urlencoded', data: Buffer.from(body.toString()) };
    const res = await engine.handle({
      method: api.method,
      url: `/api2/json${path}${qs}`,
      headers: hasBody ? { ...headers, 'content-type': encoded.type } : headers,
      ...(hasBody && encoded.data.length > 0 ? { body: encoded.data } : {}),
    });
    const where = { method: api.method, path: api.path };
    const refused = REFUSED_BY_DESIGN[`${service} ${api.method} ${api.path}`];
    if (refused && res.status === 500 && refused.test(String(res.body))) {
      result.passed++;
      continue;
    }
    if (res.status !== 200) {
      result.failures.push({
        ...where,
        problem: `${res.status} ${res.statusText} ${String(res.body).slice(0, 200)}`,
      });
      continue;
    }
    if (api.download) {
      result.passed++;
      continue;
    }
    const data = JSON.parse(String(res.body)).data;
    const quirk = SCHEMA_QUIRKS[`${service} ${api.method} ${api.path}`];
    const errors = shapeErrors(data, api.returns, intBooleans).filter((e) => !quirk || !e.startsWith(quirk));
    if (errors.length > 0) result.failures.push({ ...where, problem: errors.slice(0, 3).join('; ') });
    else result.passed++;
  }
  return result;
}
