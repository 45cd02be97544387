/**
 * The `demo` and `empty` datasets. Secrets are derived from fixed seeds so that examples
 * and docs can show them; the simulator is a local test double, not a place for real keys.
 */
import { createHash } from 'node:crypto';
import type { ServiceName } from '../../core/services.js';
import { ADMIN_ROLE, AUDIT_ROLE } from '../access/roles.js';
import type { SimAccount } from '../engine/types.js';
import { AccessState } from './access-state.js';
import { ClusterState, type Guest, type GuestType } from './cluster-state.js';

const REALM: Record<ServiceName, string> = { PVE: 'pve', PBS: 'pbs', PMG: 'pmg', PDM: 'pdm' };

/** RFC 4226's test secret ("12345678901234567890") in base32. */
export const DEMO_TOTP_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

function seeded(text: string): string {
  return createHash('sha256').update(`proxmox-sdk-simulator:${text}`).digest('hex');
}

function uuidFrom(text: string): string {
  const h = seeded(text);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function recoveryCodes(userid: string): string[] {
  return Array.from({ length: 8 }, (_, i) => {
    const h = seeded(`recovery:${userid}:${i}`);
    return `${h.slice(0, 4)}-${h.slice(4, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}`;
  });
}

export function nodeNames(service: ServiceName, dataset: 'demo' | 'empty'): string[] {
  if (service !== 'PVE') return [service.toLowerCase()];
  return dataset === 'demo' ? ['pve1', 'pve2', 'pve3'] : ['pve1'];
}

export function buildAccess(service: ServiceName): AccessState {
  const access = new AccessState(service);
  const realm = REALM[service];
  const pmg = service === 'PMG';
  access.addUser({ userid: 'root@pam', password: 'proxmox', comment: 'Superuser', pmgRole: 'root' });
  if (service === 'PVE') {
    access.roles.set('VMOperator', {
      privs: new Set(['VM.Audit', 'VM.Console', 'VM.PowerMgmt']),
      builtin: false,
    });
  }
  if (!pmg) {
    access.addGroup('operators', 'Automation and operators');
    access.grant('/', 'operators', service === 'PVE' ? 'PVEAuditor' : AUDIT_ROLE[service]);
  }
  const automation = access.addUser({
    userid: `automation@${realm}`,
    password: 'automation',
    comment: 'CI automation',
    groups: new Set(pmg ? [] : ['operators']),
    pmgRole: 'admin',
  });
  if (!pmg) {
    automation.tokens.set('ci', {
      tokenid: 'ci',
      secret: uuidFrom(`${service}:ci`),
      privsep: true,
      expire: 0,
    });
    automation.tokens.set('full', {
      tokenid: 'full',
      secret: uuidFrom(`${service}:full`),
      privsep: false,
      expire: 0,
    });
    const tokenPath = '/';
    access.grant('/', automation.userid, service === 'PVE' ? 'PVEAdmin' : ADMIN_ROLE[service]);
    access.grant(tokenPath, `${automation.userid}!ci`, AUDIT_ROLE[service]);
    if (service === 'PVE') access.grant('/vms', `${automation.userid}!ci`, 'PVEVMUser');
    // PBS and PDM tokens always carry their own ACL: `full` needs one to match its user.
    else access.grant('/', `${automation.userid}!full`, ADMIN_ROLE[service]);
  }
  const tfa = access.addUser({
    userid: `tfa@${realm}`,
    password: 'two-factor',
    comment: 'User with TOTP and recovery codes',
    totpSecret: DEMO_TOTP_SECRET,
    recovery: recoveryCodes(`tfa@${realm}`),
    pmgRole: 'helpdesk',
  });
  if (!pmg) access.grant('/', tfa.userid, ADMIN_ROLE[service]);
  const auditor = access.addUser({
    userid: `auditor@${realm}`,
    password: 'auditor',
    comment: 'Read-only',
    pmgRole: 'audit',
  });
  if (!pmg) access.grant('/', auditor.userid, AUDIT_ROLE[service]);
  if (pmg) {
    // Quarantine users log in with their mail address; PMG appends `@quarantine`.
    access.addUser({
      userid: 'alice@example.com@quarantine',
      password: 'alice-quarantine',
      pmgRole: 'quser',
    });
  }
  for (const user of access.users.values())
    for (const g of user.groups) access.groups.get(g)?.members.add(user.userid);
  return access;
}

/** The accounts as `startSimulator` and `proxmox mock serve` print them. */
export function listAccounts(access: AccessState): SimAccount[] {
  return [...access.users.values()]
    .filter((u) => u.password !== undefined)
    .map((u) => {
      const account: SimAccount = {
        userid: u.userid,
        password: u.password ?? '',
        tokens: [...u.tokens.values()].map((t) => ({
          tokenid: t.tokenid,
          value: t.secret,
          privsep: t.privsep,
        })),
      };
      if (u.totpSecret) account.totpSecret = u.totpSecret;
      const codes = u.recovery.filter((c): c is string => c !== null);
      if (codes.length > 0) account.recoveryCodes = codes;
      return account;
    });
}

const hex2 = (n: number): string => (n & 0xff).toString(16).toUpperCase().padStart(2, '0');

const OS_NAMES = [
  'web',
  'db',
  'cache',
  'mail',
  'build',
  'proxy',
  'dns',
  'backup',
  'monitor',
  'git',
  'ci',
  'app',
];

function makeGuest(vmid: number, type: GuestType, node: string, index: number): Guest {
  const name = `${OS_NAMES[index % OS_NAMES.length]}-${String(index).padStart(2, '0')}`;
  // Each node gets running and stopped guests of both kinds.
  const slot = Math.floor(index / 3) % 6;
  const running = slot !== 2 && slot !== 5;
  const config: Record<string, string> =
    type === 'qemu'
      ? {
          name,
          memory: String(1024 * (1 + (index % 4))),
          cores: String(1 + (index % 4)),
          sockets: '1',
          ostype: 'l26',
          scsihw: 'virtio-scsi-single',
          scsi0: `local-lvm:vm-${vmid}-disk-0,size=32G`,
          net0: `virtio=BC:24:11:${hex2(vmid >> 16)}:${hex2(vmid >> 8)}:${hex2(vmid)},bridge=vmbr0`,
          boot: 'order=scsi0',
          agent: '1',
        }
      : {
          hostname: name,
          memory: String(512 * (1 + (index % 4))),
          swap: '512',
          cores: String(1 + (index % 2)),
          ostype: 'debian',
          arch: 'amd64',
          rootfs: `local-lvm:vm-${vmid}-disk-0,size=8G`,
          net0: `name=eth0,bridge=vmbr0,ip=dhcp,type=veth`,
          unprivileged: '1',
        };
  return {
    vmid,
    type,
    node,
    status: running ? 'running' : 'stopped',
    template: false,
    config,
    pending: {},
    pendingDelete: new Set(),
    snapshots: new Map(),
    ...(running ? { startedAt: 0 } : {}),
  };
}

export function buildCluster(
  service: ServiceName,
  dataset: 'demo' | 'empty',
  guests: number | undefined,
  nowMs: number,
): ClusterState {
  const names = nodeNames(service, dataset);
  const cluster = new ClusterState(service === 'PVE' && names.length > 1 ? 'demo' : undefined);
  for (const node of names) {
    cluster.nodes.set(node, {
      node,
      online: true,
      maxcpu: 16,
      maxmem: 64 * 1024 ** 3,
      maxdisk: 100 * 1024 ** 3,
      bootedAt: nowMs - 86_400_000 * 3,
    });
  }
  if (service !== 'PVE') return cluster;
  if (dataset === 'demo') {
    cluster.pools.set('production', { comment: 'Production workloads', members: new Set() });
    cluster.pools.set('staging', { comment: 'Staging', members: new Set() });
    cluster.pools.set('lab', { comment: 'Empty pool for experiments', members: new Set() });
  }
  const count = guests ?? (dataset === 'demo' ? 36 : 0);
  for (let i = 0; i < count; i++) {
    const vmid = 100 + i;
    const slot = Math.floor(i / 3) % 6;
    const type: GuestType = slot === 3 || slot === 5 ? 'lxc' : 'qemu';
    const guest = makeGuest(vmid, type, names[i % names.length] ?? 'pve1', i);
    if (type === 'qemu' && i < 100) {
      guest.config.smbios1 = `uuid=${uuidFrom(`smbios:${vmid}`)}`;
      guest.config.vmgenid = uuidFrom(`vmgenid:${vmid}`);
    }
    if (guest.startedAt !== undefined) guest.startedAt = nowMs - 3_600_000 * (1 + (i % 48));
    if (dataset === 'demo' && i < 12) {
      guest.snapshots.set('before_upgrade', {
        name: 'before_upgrade',
        description: 'Taken before the last upgrade',
        snaptime: Math.floor(nowMs / 1000) - 86_400 * 7,
        vmstate: false,
        config: { ...guest.config },
      });
    }
    cluster.guests.set(vmid, guest);
    const pool =
      dataset === 'demo' && i < 36 ? (['production', 'staging', undefined] as const)[i % 3] : undefined;
    if (pool) {
      guest.pool = pool;
      cluster.pools.get(pool)?.members.add(`${type}/${vmid}`);
    }
  }
  return cluster;
}
