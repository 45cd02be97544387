/**
 * Ids that contain `/` (issue 15.9). pveproxy unescapes the whole path before it splits it
 * (pve-http-server PVE/APIServer/AnyEvent.pm, `uri_unescape($request->uri->path())`), and
 * pvesh gets the path as written, so an encoded `/` inside an id is a separator on every
 * Perl backend: `nodes('pve1/qemu/100')` would reach another method. Only a few mounts take
 * the rest of the path as one id: pve-common RESTHandler.pm map_path_to_methods joins the
 * remaining fragments when the subclass is registered with `fragmentDelimiter => ''`.
 * The SDK refuses `/` in every other id, before anything is sent, on every backend.
 */
import { InvalidArgumentError } from './errors.js';
import type { ServiceName } from './services.js';
import type { HttpMethod } from './types.js';

/**
 * Templates whose last placeholder takes the rest of the path. PVE: pve-storage
 * PVE/API2/Storage/Status.pm mounts Content.pm so (`{volume}`: `local:iso/x.iso`), and
 * pve-firewall PVE/API2/Firewall/IPSet.pm each IP set (`{cidr}`: `10.0.0.0/8`);
 * PMG: pmg-api PMG/API2/Config.pm mounts MyNetworks.pm so (`{cidr}`).
 * PBS and PDM (proxmox-router find_route) decode each segment after the split: none.
 */
export const REST_OF_PATH: Readonly<Record<ServiceName, readonly string[]>> = {
  PVE: [
    '/nodes/{node}/storage/{storage}/content/{volume}',
    '/cluster/firewall/ipset/{name}/{cidr}',
    '/nodes/{node}/qemu/{vmid}/firewall/ipset/{name}/{cidr}',
    '/nodes/{node}/lxc/{vmid}/firewall/ipset/{name}/{cidr}',
  ],
  PMG: ['/config/mynetworks/{cidr}'],
  PBS: [],
  PDM: [],
};

const ENCODED_SLASH = /%2F/i;

/** Index of the first segment that belongs to a rest-of-path id, or -1. */
/** REST_OF_PATH's templates as segments, split once: wirePath runs on every call. */
const partsOf = (templates: readonly string[]) => templates.map((t) => t.split('/').filter((s) => s !== ''));
const TEMPLATE_PARTS: Readonly<Record<ServiceName, readonly string[][]>> = {
  PVE: partsOf(REST_OF_PATH.PVE),
  PMG: partsOf(REST_OF_PATH.PMG),
  PBS: partsOf(REST_OF_PATH.PBS),
  PDM: partsOf(REST_OF_PATH.PDM),
};

export function restOfPathStart(service: ServiceName, segments: readonly string[]): number {
  for (const parts of TEMPLATE_PARTS[service]) {
    const last = parts.length - 1;
    if (segments.length <= last) continue;
    if (parts.slice(0, last).every((part, i) => part.startsWith('{') || part === segments[i])) return last;
  }
  return -1;
}

/**
 * The path a transport sends, from one whose segments are each percent-encoded: a
 * rest-of-path id travels with plain `/` (as the servers and pvesh read it); an encoded
 * `/` anywhere else is refused, since the server would split the id there.
 */
export function wirePath(service: ServiceName, method: HttpMethod, path: string): string {
  const segments = path.split('/').filter((s) => s !== '');
  const rest = restOfPathStart(service, segments);
  const fixed = rest === -1 ? segments : segments.slice(0, rest);
  // Most paths hold no encoded slash at all: one test of the whole path answers for every segment.
  const bad = ENCODED_SLASH.test(path) ? fixed.find((s) => ENCODED_SLASH.test(s)) : undefined;
  if (bad !== undefined) {
    throw new InvalidArgumentError(
      `path id '${safeDecode(bad)}' contains '/', which ${service} reads as a path separator; an id cannot contain '/' here`,
      { method, path },
    );
  }
  if (rest === -1) return path;
  const pieces = segments.slice(rest).join('/').replace(/%2F/gi, '/').split('/');
  // The server drops empty fragments before it joins them again: `a//b` would arrive as `a/b`.
  if (pieces.some((p) => p === '' || p === '.' || p === '..')) {
    throw new InvalidArgumentError(
      `path id '${safeDecode(segments.slice(rest).join('/'))}': an empty, '.' or '..' part between slashes would not arrive as given`,
      { method, path },
    );
  }
  return `/${[...fixed, ...pieces].join('/')}`;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
