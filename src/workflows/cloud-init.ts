/**
 * Cloud-init settings of a QEMU VM, typed. The trap: `sshkeys` must reach PVE percent-encoded,
 * spaces as `%20`, because the server runs `URI::Escape::uri_unescape` on it before checking
 * the keys (qemu-server PVE/API2/Qemu.pm, update_vm_api and create_vm) and stores the encoded
 * text. uri_unescape knows no `+` for a space, so form encoding (Python's quote_plus, Go's
 * QueryEscape) breaks every key. The value is then form-encoded once more on the wire.
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { Params, WorkflowOptions } from './client.js';
import type { Guest } from './guest.js';

/** One `ipconfigN`: `dhcp`, or an address in CIDR with an optional gateway. */
export interface IpConfig {
  ip?: 'dhcp' | string;
  gw?: string;
  ip6?: 'dhcp' | 'auto' | string;
  gw6?: string;
}

export interface CloudInitOptions {
  user?: string;
  /** Sent as `cipassword`; PVE stores a hash of it. */
  password?: string;
  /** Public keys, one per entry (or several lines in one). */
  sshKeys?: string | readonly string[];
  /** `ipconfig0`, `ipconfig1`, ... by NIC index. */
  ipConfig?: readonly IpConfig[] | Record<number, IpConfig>;
  /** DNS servers (`nameserver`, space-separated on the wire). */
  nameservers?: readonly string[];
  searchDomain?: string;
  /** Rebuild the cloud-init drive now (`PUT .../cloudinit`), so a stopped VM sees it on boot. @default true */
  regenerate?: boolean;
}

export interface CloudInitResult {
  /** The config keys that were sent (values of secrets left out). */
  keys: string[];
  regenerated: boolean;
}

/** Percent-encodes SSH public keys the way PVE decodes them (RFC 3986, `%20` for spaces). */
export function encodeSshKeys(keys: string | readonly string[]): string {
  const text = (typeof keys === 'string' ? keys : keys.join('\n')).trim();
  // encodeURIComponent leaves !'()* as they are; uri_unescape needs nothing more, but encoding
  // them too keeps the value identical to what PVE's own GUI sends.
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The keys as a person wrote them, from the stored (encoded) `sshkeys` value. */
export function decodeSshKeys(stored: string): string[] {
  return decodeURIComponent(stored)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** `ip=10.0.0.5/24,gw=10.0.0.1`, the property string PVE parses for `ipconfigN`. */
export function formatIpConfig(config: IpConfig): string {
  const parts: string[] = [];
  for (const key of ['ip', 'gw', 'ip6', 'gw6'] as const) {
    const value = config[key];
    if (value === undefined) continue;
    if (/[,=\s]/.test(value)) throw new InvalidArgumentError(`ipconfig ${key}: '${value}' is not an address`);
    parts.push(`${key}=${value}`);
  }
  if (parts.length === 0) throw new InvalidArgumentError('ipconfig: give ip, ip6 or both');
  return parts.join(',');
}

/** The `PUT .../config` parameters for these settings. */
export function cloudInitParams(options: CloudInitOptions): Params {
  const p: Params = {};
  if (options.user !== undefined) p.ciuser = options.user;
  if (options.password !== undefined) p.cipassword = options.password;
  if (options.sshKeys !== undefined) p.sshkeys = encodeSshKeys(options.sshKeys);
  const ips = options.ipConfig ?? [];
  for (const [index, config] of Object.entries(ips))
    p[`ipconfig${index}`] = formatIpConfig(config as IpConfig);
  if (options.nameservers !== undefined) p.nameserver = options.nameservers.join(' ');
  if (options.searchDomain !== undefined) p.searchdomain = options.searchDomain;
  return p;
}

export async function applyCloudInit(
  g: Guest,
  options: CloudInitOptions,
  call: WorkflowOptions = {},
): Promise<CloudInitResult> {
  if (g.type !== 'qemu')
    throw new InvalidArgumentError('cloud-init: containers are configured directly, not by cloud-init');
  const params = cloudInitParams(options);
  const keys = Object.keys(params);
  if (keys.length > 0) await g.configure(params, call);
  const regenerate = options.regenerate !== false;
  if (regenerate) await g.client.call('PUT /nodes/{node}/qemu/{vmid}/cloudinit', g.ids, call);
  return { keys, regenerated: regenerate };
}
