/** Users, groups, roles, tokens and ACL entries of one simulated product. */
import type { ServiceName } from '../../core/services.js';
import { BUILTIN_ROLES } from '../access/roles.js';

export interface TokenRecord {
  tokenid: string;
  secret: string;
  privsep: boolean;
  /** Seconds since the epoch; 0 means never. */
  expire: number;
  comment?: string;
}

export interface UserRecord {
  userid: string;
  enable: boolean;
  expire: number;
  firstname?: string;
  lastname?: string;
  email?: string;
  comment?: string;
  groups: Set<string>;
  password?: string;
  totpSecret?: string;
  /** The last TOTP counter accepted at login (proxmox-tfa TotpEntry last_count); a new entry has none. */
  totpLastCount?: number;
  /** Consecutive TOTP failures (proxmox-tfa TfaUserChallenges totp_failures). */
  totpFailures?: number;
  /** Locked out of TOTP after too many failures, until a recovery key is used (TfaUserData totp_locked). */
  totpLocked?: boolean;
  /** Consecutive second-factor failures of any kind (TfaUserChallenges tfa_failures). */
  tfaFailures?: number;
  /** Epoch seconds until which every second factor is refused (TfaUserData tfa_locked_until). */
  tfaLockedUntil?: number;
  /** Unused recovery codes by index; a used one becomes null. */
  recovery: (string | null)[];
  tokens: Map<string, TokenRecord>;
  /** PMG has roles per user instead of ACLs. */
  pmgRole?: string;
}

export interface AclEntry {
  path: string;
  /** User id, group name or full token id (`user@realm!name`). */
  ugid: string;
  kind: 'user' | 'group' | 'token';
  roleid: string;
  propagate: boolean;
}

export interface RoleRecord {
  privs: Set<string>;
  builtin: boolean;
}

export class AccessState {
  readonly users = new Map<string, UserRecord>();
  readonly groups = new Map<string, { comment?: string; members: Set<string> }>();
  readonly roles = new Map<string, RoleRecord>();
  acl: AclEntry[] = [];

  constructor(readonly service: ServiceName) {
    for (const [name, privs] of Object.entries(BUILTIN_ROLES[service])) {
      this.roles.set(name, { privs: new Set(privs), builtin: true });
    }
  }

  addUser(
    user: Omit<UserRecord, 'groups' | 'recovery' | 'tokens' | 'enable' | 'expire'> & Partial<UserRecord>,
  ): UserRecord {
    const record: UserRecord = {
      enable: true,
      expire: 0,
      groups: new Set(),
      recovery: [],
      tokens: new Map(),
      ...user,
    };
    this.users.set(record.userid, record);
    for (const group of record.groups) this.groups.get(group)?.members.add(record.userid);
    return record;
  }

  addGroup(name: string, comment?: string): void {
    this.groups.set(name, comment === undefined ? { members: new Set() } : { comment, members: new Set() });
  }

  grant(path: string, ugid: string, roleid: string, propagate = true): void {
    const kind = ugid.includes('!') ? 'token' : ugid.includes('@') ? 'user' : 'group';
    this.acl = this.acl.filter((e) => !(e.path === path && e.ugid === ugid && e.roleid === roleid));
    this.acl.push({ path, ugid, kind, roleid, propagate });
  }

  /** A user that exists, is enabled and has not expired. */
  activeUser(userid: string, nowMs: number): UserRecord | undefined {
    const user = this.users.get(userid);
    if (!user?.enable) return undefined;
    if (user.expire > 0 && user.expire * 1000 < nowMs) return undefined;
    return user;
  }
}
