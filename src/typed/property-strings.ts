/**
 * Typed property strings by route and parameter, from the generated `PropertyStrings` maps:
 *
 *   const net = await propertyString('PVE', 'POST /nodes/{node}/qemu', 'net');
 *   await px.nodes('pve1').qemu.post({ vmid: 100, net0: net.format({ model: 'virtio', bridge: 'vmbr0' }) });
 *   net.parse('virtio=BC:24:11:00:00:01,bridge=vmbr0').bridge; // string | undefined
 *
 * The format itself comes from the runtime schema table, loaded on first use.
 */

import type { ServiceName } from '../core/services.js';
import type { JsonSchema, SchemaNode } from '../generated/schema-types.js';
import { loadSchema } from '../schema/lookup.js';
import { formatPropertyString, type PropertyFormat, parsePropertyString } from '../schema/property-string.js';

/**
 * The property-string parameters of each service (`PVE: PropertyStrings`).
 * Filled per product by src/typed/products/<product>.ts (declaration merging), so that an
 * entry point that imports one product's types (`proxmox-sdk/pve`) makes the compiler read only
 * that product's declarations; `proxmox-sdk` imports all four. A product not registered in a
 * program gets the loose types.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface ServicePropertyStrings {}

/** The property strings of service S, by route and parameter. */
type PropertyStringsOf<S extends ServiceName> = S extends keyof ServicePropertyStrings
  ? ServicePropertyStrings[S]
  : {};
/** Routes of service S that take a property-string parameter. */
export type PropertyStringRoute<S extends ServiceName> = keyof PropertyStringsOf<S> & string;
/** Property-string parameters of a route (`net` stands for `net0`, `net1`, ...). */
export type PropertyStringParam<
  S extends ServiceName,
  K extends PropertyStringRoute<S>,
> = keyof PropertyStringsOf<S>[K] & string;
/** The keys of one property string, e.g. `NodesNodeQemuNetFormat`. */
export type PropertyStringOf<
  S extends ServiceName,
  K extends PropertyStringRoute<S>,
  P extends PropertyStringParam<S, K>,
> = PropertyStringsOf<S>[K][P];

export interface PropertyStringCodec<T> {
  /** The keys' schema, from the schema table. */
  readonly keys: PropertyFormat;
  /** `{ model: 'virtio', bridge: 'vmbr0' }` -> `'virtio,bridge=vmbr0'`. */
  format(value: T): string;
  /** The other way; throws PropertyStringError on a malformed string. */
  parse(text: string): T;
}

/** Finds a route's parameter schema in a schema tree; `net` also finds `net[n]`. */
export function findParamSchema(root: SchemaNode, route: string, param: string): JsonSchema | undefined {
  const [verb, path = ''] = route.split(' ');
  let node: SchemaNode | undefined = root;
  for (const seg of path.split('/').filter(Boolean)) node = node?.children.find((c) => c.segment === seg);
  const props = node?.methods[verb as keyof SchemaNode['methods']]?.parameters?.properties;
  return props?.[param] ?? props?.[`${param}[n]`];
}

/** A typed codec for one property-string parameter of a route. */
export async function propertyString<
  S extends ServiceName,
  K extends PropertyStringRoute<S>,
  P extends PropertyStringParam<S, K>,
>(service: S, route: K, param: P): Promise<PropertyStringCodec<PropertyStringOf<S, K, P>>> {
  const schema = findParamSchema(await loadSchema(service), route, param);
  const keys = schema?.format;
  if (!keys || typeof keys === 'string') {
    throw new TypeError(`${service} ${route}: parameter '${param}' is no property string`);
  }
  type T = PropertyStringOf<S, K, P>;
  return {
    keys,
    format: (value: T) => formatPropertyString(value as object, keys),
    parse: (text: string) => parsePropertyString(text, keys) as T,
  };
}
