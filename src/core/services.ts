/**
 * One table of what differs between the Proxmox products on the wire.
 * Sources: PROTOCOL.md (pve-http-server, pmg-api, proxmox-backup, proxmox-rs).
 */

export type ServiceName = 'PVE' | 'PBS' | 'PMG' | 'PDM';

export const SERVICE_NAMES: readonly ServiceName[] = ['PVE', 'PBS', 'PMG', 'PDM'];

export interface ServiceInfo {
  readonly name: ServiceName;
  readonly defaultPort: number;
  /** Ticket prefix, e.g. `PVE` in `PVE:root@pam:...`. */
  readonly ticketPrefix: string;
  /** Name of the cookie that carries the ticket. */
  readonly cookieName: string;
  /** Scheme word of the token `Authorization` header, or null where tokens are refused (PMG). */
  readonly tokenScheme: string | null;
  /** Separator between token id and secret: PVE `=`, the Rust servers `:`. */
  readonly tokenSeparator: '=' | ':';
  /** The command that speaks the API on the host, or null (PDM has none). */
  readonly shell: readonly string[] | null;
  /** Whether the shell takes `--output-format json` (pmgsh prints JSON and has no such flag). */
  readonly shellOutputFlag: boolean;
  /** How the schema writes booleans. */
  readonly booleans: 'int' | 'bool';
  /**
   * Whether the server is Perl's pve-http-server with pve-common's JSONSchema (PVE, PMG)
   * rather than proxmox-rest-server with proxmox-schema (PBS, PDM): that decides the wire
   * rules the two share per family (error bodies, 501s, the order of auth and routing,
   * boolean words, login texts). The simulator reads it instead of naming products.
   */
  readonly perlServer: boolean;
  /** PBS and PDM UPIDs carry a task-id field after PSTART. */
  readonly upidHasTaskId: boolean;
  /** Whether the one-shot `otp` login field still works (PMG; PVE 6). */
  readonly legacyOtp: boolean;
  /**
   * Whether the login takes `new-format=1`: PVE's switch to the two-step TFA flow. PBS and
   * PDM only know that flow and refuse the parameter (their schemas do not list it).
   */
  readonly newFormatParam: boolean;
}

export const SERVICES: Readonly<Record<ServiceName, ServiceInfo>> = Object.freeze({
  PVE: {
    name: 'PVE',
    defaultPort: 8006,
    ticketPrefix: 'PVE',
    cookieName: 'PVEAuthCookie',
    tokenScheme: 'PVEAPIToken',
    tokenSeparator: '=',
    shell: ['pvesh'],
    shellOutputFlag: true,
    booleans: 'int',
    perlServer: true,
    upidHasTaskId: false,
    legacyOtp: false,
    newFormatParam: true,
  },
  PMG: {
    name: 'PMG',
    defaultPort: 8006,
    ticketPrefix: 'PMG',
    cookieName: 'PMGAuthCookie',
    tokenScheme: null,
    tokenSeparator: '=',
    shell: ['pmgsh'],
    shellOutputFlag: false,
    booleans: 'int',
    perlServer: true,
    upidHasTaskId: false,
    legacyOtp: true,
    newFormatParam: false,
  },
  PBS: {
    name: 'PBS',
    defaultPort: 8007,
    ticketPrefix: 'PBS',
    cookieName: 'PBSAuthCookie',
    tokenScheme: 'PBSAPIToken',
    tokenSeparator: ':',
    shell: ['proxmox-backup-debug', 'api'],
    shellOutputFlag: true,
    booleans: 'bool',
    perlServer: false,
    upidHasTaskId: true,
    legacyOtp: false,
    newFormatParam: false,
  },
  PDM: {
    name: 'PDM',
    defaultPort: 8443,
    ticketPrefix: 'PDM',
    cookieName: 'PDMAuthCookie',
    tokenScheme: 'PDMAPIToken',
    tokenSeparator: ':',
    shell: null,
    shellOutputFlag: true,
    booleans: 'bool',
    perlServer: false,
    upidHasTaskId: true,
    legacyOtp: false,
    newFormatParam: false,
  },
} satisfies Record<ServiceName, ServiceInfo>);

/** Case-insensitive service lookup; returns undefined for an unknown name. */
export function findService(name: string): ServiceName | undefined {
  const upper = name.toUpperCase();
  return (SERVICE_NAMES as readonly string[]).includes(upper) ? (upper as ServiceName) : undefined;
}
