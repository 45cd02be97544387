/**
 * Guest config values that are property strings (`net0`, `scsi0`, `rootfs`, ...). Parsing is
 * the SDK's own parser (src/schema/property-string.ts, one source for PVE's
 * `parse_property_string`), with values kept as the config text holds them. Printing follows
 * pve-common JSONSchema.pm `print_property_string`, which orders keys differently from the
 * SDK's builder (that one follows the format's order): the default key first and without
 * `key=` (joined with its key alias, `virtio=MAC`), then the keys that are not optional,
 * then the rest, each group sorted; `disk-size` values go through `format_size` (`8G`).
 */
import type { JsonSchema } from '../../../generated/schema-types.js';
import { type PropertyValue, parsePropertyString } from '../../../schema/property-string.js';
import { schemaMethods } from '../../engine/schema-table.js';
import { propertyFor } from '../../engine/validate.js';
import type { GuestType } from '../../state/cluster-state.js';
import { sizeToBytes } from '../../state/guest-disks.js';

export type PropertyFormat = Record<string, JsonSchema>;
export type Props = Record<string, string>;

let configProperties: Record<GuestType, Record<string, JsonSchema>> | undefined;

/** The config keys of `PUT /nodes/{node}/<type>/{vmid}/config`. */
function propertiesOf(type: GuestType): Record<string, JsonSchema> {
  if (!configProperties) {
    const found: Partial<Record<GuestType, Record<string, JsonSchema>>> = {};
    for (const api of schemaMethods('PVE')) {
      const match = /^\/nodes\/\{node\}\/(qemu|lxc)\/\{vmid\}\/config$/.exec(api.path);
      if (match && api.method === 'PUT') found[match[1] as GuestType] = api.parameters?.properties ?? {};
    }
    configProperties = { qemu: found.qemu ?? {}, lxc: found.lxc ?? {} };
  }
  return configProperties[type];
}

/** Whether the key is an option of the guest type's config (`option_exists`). */
export function isConfigOption(type: GuestType, key: string): boolean {
  return propertyFor(propertiesOf(type), key) !== undefined;
}

/** The property-string format of a config key, or undefined when it is a plain value. */
export function formatOf(type: GuestType, key: string): PropertyFormat | undefined {
  const format = propertyFor(propertiesOf(type), key)?.format;
  return typeof format === 'object' ? format : undefined;
}

/** Booleans as PVE stores them (1/0, `check_type` rewrites on/yes/true), lists with `;`. */
function asText(value: PropertyValue): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  return Array.isArray(value) ? value.join(';') : String(value);
}

/** Parses with the SDK's parser; an alias key (`virtio=MAC`) yields model and MAC. */
export function parseProps(format: PropertyFormat, text: string): Props {
  const out: Props = {};
  const parsed = parsePropertyString<Record<string, PropertyValue>>(text, format);
  for (const [key, value] of Object.entries(parsed)) {
    // A number keeps the text it was written as (`size=1.5` is not rewritten).
    out[key] = typeof value === 'number' ? (textOf(text, key) ?? String(value)) : asText(value);
  }
  return out;
}

function textOf(text: string, key: string): string | undefined {
  for (const part of text.split(',')) if (part.startsWith(`${key}=`)) return part.slice(key.length + 1);
  return undefined;
}

/** pve-common `format_size`: the largest unit that divides the byte count. */
export function formatSize(bytes: number): string {
  let size = Math.floor(bytes);
  for (const unit of ['', 'K', 'M', 'G']) {
    if (size % 1024 !== 0) return `${size}${unit}`;
    size /= 1024;
  }
  return `${size}T`;
}

/** A `disk-size` value as `format_size` prints it; a bare number counts bytes there. */
function sizeText(value: string): string {
  return /^\d+$/.test(value) ? formatSize(Number(value)) : formatSize(sizeToBytes(value));
}

export function printProps(format: PropertyFormat, data: Props, skip: readonly string[] = []): string {
  const done = new Set(skip);
  const parts: string[] = [];
  const entries = Object.entries(format);
  const defaultKey = entries.find(([, s]) => s.default_key)?.[0];
  // `model` combines with `macaddr` as `virtio=MAC`: the key that aliases to the MAC says so.
  const combines = new Map<string, string>();
  for (const [, s] of entries) if (s.alias && s.keyAlias) combines.set(s.keyAlias, s.alias);
  const add = (key: string, isDefault: boolean): void => {
    if (done.has(key)) return;
    done.add(key);
    const value = data[key];
    if (value === undefined) return;
    const partner = combines.get(key);
    const partnerValue = partner === undefined ? undefined : data[partner];
    if (partner !== undefined && partnerValue !== undefined) {
      parts.push(`${value}=${partnerValue}`);
      done.add(partner);
      return;
    }
    const text = format[key]?.format === 'disk-size' ? sizeText(value) : value;
    parts.push(isDefault ? text : `${key}=${text}`);
  };
  if (defaultKey !== undefined) add(defaultKey, true);
  const keys = Object.keys(data).sort();
  for (const key of keys) if (format[key] && !format[key]?.optional) add(key, false);
  for (const key of keys) add(key, false);
  return parts.join(',');
}
