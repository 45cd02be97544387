/**
 * Named string formats of the Perl schemas (`pve-vmid`, `pve-node`, ...): a check that
 * returns PVE's error text, and a sample value that passes it. Formats the table does not
 * know are accepted, as a server with a newer schema would accept them too.
 */

type Check = (value: string) => string | undefined;

const re =
  (pattern: RegExp, message: string): Check =>
  (v) =>
    pattern.test(v) ? undefined : message;

const ID = /^[A-Za-z][A-Za-z0-9\-_]+$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$/;
const isIp = (v: string): boolean => IPV4.test(v) || IPV6.test(v);
const cidr =
  (test: (ip: string) => boolean, max: number): Check =>
  (v) => {
    const [ip = '', bits, extra] = v.split('/');
    const n = Number(bits);
    return extra === undefined && test(ip) && /^\d+$/.test(bits ?? '') && n <= max
      ? undefined
      : 'invalid format - value does not look like a valid CIDR network';
  };

interface FormatEntry {
  check: Check;
  sample: string;
}

const FORMATS: Record<string, FormatEntry> = {
  'pve-vmid': {
    check: (v) =>
      /^\d+$/.test(v) && Number(v) >= 100 && Number(v) <= 999_999_999
        ? undefined
        : 'value does not look like a valid VM ID',
    sample: '100',
  },
  'pve-node': {
    check: re(/^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/, 'value does not look like a valid node name'),
    sample: 'pve1',
  },
  'pve-storage-id': { check: re(ID, 'storage ID contains illegal characters'), sample: 'local' },
  // pve-common JSONSchema.pm $CONFIGID_RE / pve_verify_configid: dashes are allowed (`before-upgrade`).
  'pve-configid': {
    check: (v) => (/^[a-z][a-z0-9_-]+$/i.test(v) ? undefined : `invalid configuration ID '${v}'`),
    sample: 'memory',
  },
  'pve-poolid': {
    check: re(/^[A-Za-z0-9\-_]+(?:\/[A-Za-z0-9\-_]+){0,2}$/, 'pool ID contains illegal characters'),
    sample: 'production',
  },
  'pve-groupid': {
    check: re(/^[A-Za-z0-9.\-_]+$/, 'group name contains illegal characters'),
    sample: 'operators',
  },
  'pve-roleid': {
    check: re(/^[A-Za-z0-9.\-_]+$/, 'role name contains illegal characters'),
    sample: 'PVEAuditor',
  },
  'pve-realm': {
    check: re(/^[A-Za-z][A-Za-z0-9.\-_]+$/, 'realm contains illegal characters'),
    sample: 'pve',
  },
  'pve-userid': {
    check: (v) =>
      /^[^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+$/.test(v) && v.length <= 64
        ? undefined
        : 'value does not look like a valid user name',
    sample: 'root@pam',
  },
  'pmg-userid': {
    check: re(/^[^\s:/]+@(pmg|pam|quarantine)$/, 'value does not look like a valid user name'),
    sample: 'root@pam',
  },
  'pve-tokenid': {
    check: re(/^[^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+![A-Za-z][A-Za-z0-9.\-_]+$/, 'invalid token ID'),
    sample: 'automation@pve!ci',
  },
  'pve-iface': {
    check: re(/^[a-zA-Z][a-zA-Z0-9_.]{1,20}$/, 'invalid network interface name'),
    sample: 'vmbr0',
  },
  'pve-bridge-id': { check: re(/^[-_.\w\d]+$/, 'invalid bridge name'), sample: 'vmbr0' },
  ipv4: {
    check: (v) => (IPV4.test(v) ? undefined : 'value does not look like a valid IPv4 address'),
    sample: '192.0.2.10',
  },
  ipv6: {
    check: (v) => (IPV6.test(v) ? undefined : 'value does not look like a valid IPv6 address'),
    sample: '2001:db8::10',
  },
  ip: {
    check: (v) => (isIp(v) ? undefined : 'value does not look like a valid IP address'),
    sample: '192.0.2.10',
  },
  address: { check: re(/^\S+$/, 'value does not look like a valid address'), sample: '192.0.2.10' },
  CIDR: { check: cidr(isIp, 128), sample: '192.0.2.0/24' },
  CIDRv4: { check: cidr((ip) => IPV4.test(ip), 32), sample: '192.0.2.0/24' },
  CIDRv6: { check: cidr((ip) => IPV6.test(ip), 128), sample: '2001:db8::/64' },
  ipv4mask: {
    check: (v) => (IPV4.test(v) ? undefined : 'value does not look like a valid IP netmask'),
    sample: '255.255.255.0',
  },
  'mac-addr': {
    check: re(/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/, 'value does not look like a valid MAC address'),
    sample: 'BC:24:11:00:00:01',
  },
  email: {
    check: re(/^[^\s@]+@[^\s@]+$/, 'value does not look like a valid email address'),
    sample: 'admin@example.com',
  },
  'email-opt': { check: () => undefined, sample: 'admin@example.com' },
  'email-or-username': {
    check: re(/^\S+$/, 'value does not look like a valid email or user name'),
    sample: 'root@pam',
  },
  'dns-name': {
    check: re(
      /^([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?\.)*[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
      'value does not look like a valid DNS name',
    ),
    sample: 'mail.example.com',
  },
  'transport-domain': { check: () => undefined, sample: 'example.com' },
  'transport-domain-or-nexthop': { check: () => undefined, sample: 'example.com' },
  'transport-domain-or-email': { check: () => undefined, sample: 'example.com' },
  'disk-size': {
    check: re(/^\+?\d+(\.\d+)?[KMGT]?$/, 'unable to parse size'),
    sample: '10G',
  },
  'pve-volume-id': {
    check: re(/^[A-Za-z][A-Za-z0-9\-_]*:.+$/, 'unable to parse volume ID'),
    sample: 'local:iso/debian.iso',
  },
  'pve-volume-id-or-qm-path': {
    check: re(/^\S+$/, 'unable to parse volume ID'),
    sample: 'local-lvm:vm-100-disk-0',
  },
  'pve-volume-id-or-absolute-path': {
    check: re(/^\S+$/, 'unable to parse volume ID'),
    sample: 'local:iso/debian.iso',
  },
  // pve-common PVE/JSONSchema.pm pve_verify_urlencoded: only what percent-encoding leaves
  // (RFC 3986 unreserved plus !*'()) and '%'; a space or a '+' is refused.
  urlencoded: {
    check: (v) => (/^[-%a-zA-Z0-9_.!~*'()]*$/.test(v) ? undefined : `invalid urlencoded string: ${v}`),
    sample: 'text',
  },
  'pve-priv-list': { check: () => undefined, sample: 'VM.Audit' },
  'pve-tag-list': { check: re(/^[a-z0-9_][a-z0-9_\-+.;,\s]*$/i, 'invalid tag list'), sample: 'prod' },
  'pve-calendar-event': { check: re(/\S/, 'invalid calendar event'), sample: 'daily' },
  'pve-startup-order': {
    check: re(/^(order=\d+)?(,?(up|down)=\d+)*$/, 'invalid startup order'),
    sample: 'order=1',
  },
  'pve-storage-content-list': { check: () => undefined, sample: 'images' },
  'pve-storage-path': { check: re(/^\//, 'invalid path'), sample: '/srv/storage' },
};

/** Returns PVE's error text for a value of a named format, or undefined when it passes. */
export function checkFormat(format: string, value: string): string | undefined {
  const direct = FORMATS[format];
  if (direct) return direct.check(value);
  // `<format>-list`: a list separated by commas, semicolons or whitespace.
  if (format.endsWith('-list')) {
    const item = FORMATS[format.slice(0, -5)];
    if (!item) return undefined;
    for (const part of value.split(/[,;\s]+/).filter((p) => p !== '')) {
      const error = item.check(part);
      if (error) return error;
    }
  }
  return undefined;
}

/** A value that passes the format, or undefined when the table does not know it. */
export function formatSample(format: string): string | undefined {
  return (
    FORMATS[format]?.sample ?? (format.endsWith('-list') ? FORMATS[format.slice(0, -5)]?.sample : undefined)
  );
}
