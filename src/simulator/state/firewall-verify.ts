/**
 * The checks PVE's `verify_rule` makes on a firewall rule before it is saved, with its
 * error texts; each failure is a 400 naming the parameter, like PVE's `raise_param_exc`.
 * Names of macros, protocols, services and ICMP types are the ones a PVE host knows.
 */
import { isIP } from 'node:net';
import { paramError } from '../engine/sim-error.js';
import type { FwConf, FwRule } from './firewall-state.js';

/** Where a rule lives: decides whether groups and interfaces are allowed. */
export type RuleEnv = 'cluster' | 'host' | 'vm' | 'ct' | 'group';

/** PVE's macros with what they open (the facts behind `GET /cluster/firewall/macros`). */
export const MACROS: Record<string, string> = {
  Amanda: 'udp 10080, tcp 10080',
  Auth: 'tcp 113',
  BGP: 'tcp 179',
  BitTorrent: 'tcp 6881:6889, udp 6881',
  BitTorrent32: 'tcp 6881:6999, udp 6881',
  Ceph: 'tcp 6789, tcp 6800:7300',
  CVS: 'tcp 2401',
  Citrix: 'tcp 1494, udp 1604, tcp 2598',
  DAAP: 'tcp 3689, udp 3689',
  DCC: 'tcp 6277',
  DHCPfwd: 'udp 67:68',
  DHCPv6: 'udp 546:547',
  DNS: 'udp 53, tcp 53',
  Distcc: 'tcp 3632',
  FTP: 'tcp 21',
  Finger: 'tcp 79',
  GNUnet: 'tcp 2086, udp 2086, tcp 1080, udp 1080',
  GRE: 'protocol 47',
  Git: 'tcp 9418',
  HKP: 'tcp 11371',
  HTTP: 'tcp 80',
  HTTPS: 'tcp 443',
  ICPV2: 'udp 3130',
  ICQ: 'tcp 5190',
  IMAP: 'tcp 143',
  IMAPS: 'tcp 993',
  IPIP: 'protocol 94',
  IPsec: 'udp 500, protocol 50',
  IPsecah: 'udp 500, protocol 51',
  IPsecnat: 'udp 500, udp 4500, protocol 50',
  IRC: 'tcp 6667',
  Jetdirect: 'tcp 9100',
  L2TP: 'udp 1701',
  LDAP: 'tcp 389',
  LDAPS: 'tcp 636',
  MDNS: 'udp 5353',
  MSNP: 'tcp 1863',
  MSSQL: 'tcp 1433',
  Mail: 'tcp 25, tcp 465, tcp 587',
  Munin: 'tcp 4949',
  MySQL: 'tcp 3306',
  NNTP: 'tcp 119',
  NNTPS: 'tcp 563',
  NTP: 'udp 123',
  NeighborDiscovery: 'icmpv6 router and neighbour messages',
  OSPF: 'protocol 89',
  OpenVPN: 'udp 1194',
  PCA: 'udp 5632, tcp 5631',
  POP3: 'tcp 110',
  POP3S: 'tcp 995',
  PPtP: 'protocol 47, tcp 1723',
  Ping: 'icmp echo-request',
  PostgreSQL: 'tcp 5432',
  Printer: 'tcp 515',
  RDP: 'tcp 3389',
  RIP: 'udp 520',
  RNDC: 'tcp 953',
  Razor: 'tcp 2703',
  Rdate: 'tcp 37',
  Rsync: 'tcp 873',
  SANE: 'tcp 6566',
  SMB: 'udp 135,445, udp 137:139, udp 1024:65535, tcp 135,139,445',
  SMBswat: 'tcp 901',
  SMTP: 'tcp 25',
  SMTPS: 'tcp 465',
  SNMP: 'udp 161:162, tcp 161',
  SPAMD: 'tcp 783',
  SPICEproxy: 'tcp 3128',
  SSH: 'tcp 22',
  SVN: 'tcp 3690',
  SixXS: 'tcp 3874, udp 3740, protocol 41, udp 5072,8374',
  Squid: 'tcp 3128',
  Submission: 'tcp 587',
  Syslog: 'udp 514, tcp 514',
  TFTP: 'udp 69',
  Telnet: 'tcp 23',
  Telnets: 'tcp 992',
  Time: 'tcp 37',
  Trcrt: 'udp 33434:33524, icmp echo-request',
  VNC: 'tcp 5900:5999',
  VNCL: 'tcp 5500',
  Web: 'tcp 80, tcp 443',
  Webcache: 'tcp 8080',
  Webmin: 'tcp 10000',
  Whois: 'tcp 43',
};
const MACRO_BY_LOWER = new Map(Object.keys(MACROS).map((m) => [m.toLowerCase(), m]));

/** `/etc/protocols` names and numbers (icmpv6 added by PVE). */
const PROTOCOLS = new Map(
  (
    'ip:0 icmp:1 igmp:2 ggp:3 ipencap:4 st:5 tcp:6 egp:8 igp:9 pup:12 udp:17 hmp:20 xns-idp:22 rdp:27 ' +
    'iso-tp4:29 dccp:33 xtp:36 ddp:37 idpr-cmtp:38 ipv6:41 ipv6-route:43 ipv6-frag:44 idrp:45 rsvp:46 ' +
    'gre:47 esp:50 ah:51 skip:57 ipv6-icmp:58 ipv6-nonxt:59 ipv6-opts:60 rspf:73 vmtp:81 eigrp:88 ' +
    'ospf:89 ax.25:93 ipip:94 etherip:97 encap:98 pim:103 ipcomp:108 vrrp:112 l2tp:115 isis:124 ' +
    'sctp:132 fc:133 mobility-header:135 udplite:136 mpls-in-ip:137 manet:138 hip:139 shim6:140 ' +
    'wesp:141 rohc:142 ethernet:143 icmpv6:58'
  )
    .split(' ')
    .map((entry) => entry.split(':') as [string, string]),
);
const PROTOCOL_NUMBERS = new Set(PROTOCOLS.values());
const WITH_PORTS = new Set(['udp', '17', 'udplite', '136', 'tcp', '6', 'dccp', '33', 'sctp', '132']);

/** A usual `/etc/services` subset. */
const SERVICES = new Set(
  (
    'ftp-data ftp ssh telnet smtp time whois domain tftp gopher finger http kerberos pop3 sunrpc ' +
    'auth nntp ntp netbios-ns netbios-dgm netbios-ssn imap2 imap snmp snmp-trap bgp irc ldap https ' +
    'microsoft-ds kpasswd submissions urd syslog printer talk rtsp submission ipp ldaps rsync ' +
    'ftps-data ftps telnets imaps pop3s socks openvpn ms-sql-s ms-sql-m pptp radius nfs iscsi-target ' +
    'mysql ms-wbt-server svn postgresql sip x11 redis http-alt webcache mdns xmpp-client hkp git'
  ).split(/\s+/),
);

const ICMP_TYPES = new Set(
  (
    'any echo-reply destination-unreachable network-unreachable host-unreachable protocol-unreachable ' +
    'port-unreachable fragmentation-needed source-route-failed network-unknown host-unknown ' +
    'network-prohibited host-prohibited TOS-network-unreachable TOS-host-unreachable ' +
    'communication-prohibited host-precedence-violation precedence-cutoff source-quench redirect ' +
    'network-redirect host-redirect TOS-network-redirect TOS-host-redirect echo-request ' +
    'router-advertisement router-solicitation time-exceeded ttl-zero-during-transit ' +
    'ttl-zero-during-reassembly parameter-problem ip-header-bad required-option-missing ' +
    'timestamp-request timestamp-reply address-mask-request address-mask-reply'
  ).split(/\s+/),
);
const ICMPV6_TYPES = new Set(
  (
    'any destination-unreachable no-route communication-prohibited address-unreachable ' +
    'port-unreachable packet-too-big time-exceeded ttl-zero-during-transit ttl-zero-during-reassembly ' +
    'parameter-problem bad-header unknown-header-type unknown-option echo-request echo-reply ' +
    'router-solicitation router-advertisement neighbor-solicitation neighbour-solicitation ' +
    'neighbor-advertisement neighbour-advertisement redirect'
  ).split(/\s+/),
);

/** Rule properties a caller may set (PVE's `$rule_properties` without `pos` and `digest`). */
export const RULE_KEYS = [
  'type',
  'action',
  'macro',
  'iface',
  'source',
  'dest',
  'proto',
  'enable',
  'log',
  'sport',
  'dport',
  'comment',
  'icmp-type',
] as const;

const NAME = /^[A-Za-z][A-Za-z0-9\-_]+$/;
const SCOPED_ALIAS = /^(?:(dc|guest)\/)?([A-Za-z][A-Za-z0-9\-_]+)$/;
const SCOPED_IPSET = /^\+(?:(dc|guest|sdn)\/)?([A-Za-z][A-Za-z0-9\-_]+)$/;

function ipVersion(text: string): 4 | 6 | undefined {
  const version = isIP(text);
  return version === 4 || version === 6 ? version : undefined;
}

/** `IPorCIDR`: an address or a network, as PVE's format check reads it. */
export function checkIpOrCidr(value: string): string | undefined {
  const [ip = '', bits, extra] = value.split('/');
  const version = ipVersion(ip);
  const max = version === 6 ? 128 : 32;
  if (!version || extra !== undefined) return 'value does not look like a valid IP address or CIDR network';
  if (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max)) return `invalid prefix '${bits}'`;
  return undefined;
}

/** `parse_address_list`: a reference, or addresses, networks and one range; answers the IP version. */
function parseAddressList(text: string): 4 | 6 | undefined {
  if (/^\+\S+$/.test(text)) {
    if (text.length > 65) throw new Error('ipset name too long');
    return undefined;
  }
  if (SCOPED_ALIAS.test(text)) {
    if (text.length > 64) throw new Error('alias name too long');
    return undefined;
  }
  const elements = text.split(',');
  if (elements.some((e) => e === '')) throw new Error('extraneous commas in list');
  let version: 4 | 6 | undefined;
  let range = false;
  for (const element of elements) {
    const parts = element.includes('-') ? element.split('-') : [element];
    range ||= parts.length > 1;
    for (const part of parts) {
      if (parts.length > 2 || (parts.length === 1 ? checkIpOrCidr(part) : !ipVersion(part)))
        throw new Error(`invalid IP address: ${element}`);
      const next = ipVersion(part.split('/')[0] ?? '');
      if (version && next !== version)
        throw new Error(`detected mixed ipv4/ipv6 addresses in address list '${text}'`);
      version = next;
    }
  }
  if (range && elements.length > 1) throw new Error("you can't use a range in a list");
  return version;
}

function parsePorts(text: string, dport: boolean): void {
  const items = text.split(',');
  if (items.some((i) => i === '')) throw new Error('extraneous commas in list');
  let count = 0;
  let icmp = false;
  for (const item of items) {
    const numbers = /^(\d+)(?::(\d+))?$/.exec(item);
    if (numbers) {
      for (const port of numbers.slice(1).filter((p) => p !== undefined))
        if (Number(port) > 65535) throw new Error(`invalid port '${port}'`);
      count += numbers[2] === undefined ? 1 : 2;
    } else if (dport && (ICMP_TYPES.has(item) || ICMPV6_TYPES.has(item))) icmp = true;
    else if (!SERVICES.has(item)) throw new Error(`invalid port '${item}'`);
  }
  // PVE's own spelling.
  if (icmp && count > 0) throw new Error('ICPM ports not allowed in port range');
  if (count > 15) throw new Error('too many entries in port list (> 15 numbers)');
}

interface Scopes {
  cluster: FwConf;
  /** The rule's own file (host or guest); undefined for cluster and group rules. */
  local: FwConf | undefined;
}

function checkReference(value: string, scopes: Scopes): { error?: string; version?: 4 | 6 } {
  const { cluster, local } = scopes;
  if (value.startsWith('+')) {
    const match = SCOPED_IPSET.exec(value);
    if (!match) return { error: `invalid ipset name '${value}'` };
    const [, scope, name = ''] = match;
    const found =
      (scope !== 'guest' && cluster.ipsets.has(name)) || (scope !== 'dc' && local?.ipsets.has(name));
    return found ? {} : { error: `no such ipset '${name}'` };
  }
  const match = SCOPED_ALIAS.exec(value);
  if (!match) return {};
  const [, scope, name = ''] = match;
  const key = name.toLowerCase();
  const alias =
    (scope !== 'dc' ? local?.aliases.get(key) : undefined) ??
    (scope !== 'guest' ? cluster.aliases.get(key) : undefined);
  if (!alias) return { error: `no such alias '${value}'` };
  const version = ipVersion(alias.cidr.split('/')[0] ?? '');
  return version ? { version } : {};
}

/**
 * Checks a rule the way `verify_rule` does, in its order, and normalises it (macro names
 * in PVE's spelling, `ipversion` when the addresses or protocol decide it).
 */
export function verifyRule(rule: FwRule, env: RuleEnv, scopes: Scopes): FwRule {
  const fail = (param: string, message: string): never => {
    throw paramError({ [param]: message });
  };
  const { type, action } = rule;
  if (!type) fail('type', 'missing property');
  if (!action) fail('action', 'missing property');
  if (type === 'group') {
    if (env === 'group') fail('type', 'security groups not allowed');
    if (!NAME.test(action ?? '')) fail('action', 'invalid characters in security group name');
  } else if (type === 'in' || type === 'out' || type === 'forward') {
    if (!/^(ACCEPT|DROP|REJECT)$/.test(action ?? '')) fail('action', `unknown action '${action}'`);
  } else fail('type', `unknown rule type '${type}'`);

  if (rule.iface) {
    if (env === 'group') fail('type', 'parameter -i not allowed for this rule type');
    if ((env === 'vm' || env === 'ct') && !/^net\d+$/.test(rule.iface))
      fail('iface', "value does not match the regex pattern 'net\\d+'");
  }
  if (rule.macro) {
    const preferred = MACRO_BY_LOWER.get(rule.macro.toLowerCase());
    if (!preferred) fail('macro', `unknown macro '${rule.macro}'`);
    else rule.macro = preferred;
  }
  delete rule.ipversion;
  let version: 4 | 6 | undefined;
  const setVersion = (v: 4 | 6 | undefined, param: string): void => {
    if (v && version && v !== version) fail(param, 'detected mixed ipv4/ipv6 addresses in rule');
    version = v ?? version;
  };
  const proto = rule.proto;
  if (proto) {
    if (!(PROTOCOLS.has(proto) || PROTOCOL_NUMBERS.has(proto))) fail('proto', `unknown protocol '${proto}'`);
    if (proto === 'icmp') setVersion(4, 'proto');
    if (proto === 'icmpv6' || proto === 'ipv6-icmp') setVersion(6, 'proto');
  }
  const isIcmp = proto === 'icmp' || proto === 'icmpv6' || proto === 'ipv6-icmp';
  for (const key of ['dport', 'sport'] as const) {
    const ports = rule[key];
    if (!ports) continue;
    try {
      parsePorts(ports, key === 'dport');
    } catch (error) {
      fail(key, (error as Error).message);
    }
    if (!proto) fail('proto', `missing property - '${key}' requires this property`);
    if (!WITH_PORTS.has(proto ?? '') && !(key === 'dport' && isIcmp))
      fail(key, `protocol '${proto}' does not support ports`);
  }
  const icmpType = rule['icmp-type'];
  if (icmpType) {
    if (!isIcmp) fail('proto', "missing property - 'icmp-type' requires this property");
    if (rule.dport) fail('icmp-type', "'icmp-type' cannot be specified together with 'dport'");
    const known = proto === 'icmp' ? ICMP_TYPES : ICMPV6_TYPES;
    if (!known.has(icmpType)) fail('icmp-type', `invalid icmp-type '${icmpType}' for proto '${proto}'`);
  }
  for (const key of ['source', 'dest'] as const) {
    const value = rule[key];
    if (!value) continue;
    try {
      setVersion(parseAddressList(value), key);
    } catch (error) {
      fail(key, (error as Error).message);
    }
    const reference = checkReference(value, scopes);
    if (reference.error) fail(key, reference.error);
    setVersion(reference.version, key);
  }
  if (version) rule.ipversion = String(version);
  return rule;
}
