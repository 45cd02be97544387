/**
 * Guest config values that are property strings (`net0`, `scsi0`, `rootfs`, ...). Parsing is
 * the simulator's own `parse_property_string` (engine/validate.ts, written from pve-common
 * JSONSchema.pm), not the SDK's: a bug shared by client and server would pass every test
 * (docs/architecture.md, rule 2). Values stay as the config text holds them, except booleans,
 * which `check_type` rewrites to 1/0. Printing follows pve-common JSONSchema.pm
 * `print_property_string`, which orders keys differently from the SDK's builder (that one
 * follows the format's order): the default key first and without `key=` (joined with its key
 * alias, `virtio=MAC`), then the keys that are not optional, then the rest, each group sorted;
 * `disk-size` values go through `format_size` (`8G`).
 */
import type { JsonSchema } from '../../../generated/schema-types.js';
import { schemaMethods } from '../../engine/schema-table.js';
import { SimError } from '../../engine/sim-error.js';
import { parsePropertyString, propertyFor } from '../../engine/validate.js';
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

const TRUE = /^(?:1|on|yes|true)$/i;
const FALSE = /^(?:0|off|no|false)$/i;

/**
 * Parses as `parse_property_string` does: an alias key is stored under the key it aliases
 * (`virtio=MAC` gives `macaddr=MAC` and, through `keyAlias`, `model=virtio`), and booleans
 * become 1/0 as `check_type` rewrites them. The engine has validated the text already, so an
 * error here means a stored config the server would not have written.
 */
export function parseProps(format: PropertyFormat, text: string): Props {
  const { entries, error } = parsePropertyString(format, text);
  if (error) throw new SimError(500, `unable to parse value '${text}': ${error}`);
  const out: Props = {};
  for (const [key, value] of entries) {
    const schema = format[key];
    if (schema?.alias) {
      out[schema.alias] = value;
      if (schema.keyAlias) out[schema.keyAlias] = key;
      continue;
    }
    if (schema?.type === 'boolean' && TRUE.test(value)) out[key] = '1';
    else if (schema?.type === 'boolean' && FALSE.test(value)) out[key] = '0';
    else out[key] = value;
  }
  return out;
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
