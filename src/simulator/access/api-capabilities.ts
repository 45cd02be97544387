/**
 * PVE's `cap` in the login answer: per GUI area, the privileges the user holds anywhere
 * that area's paths begin (pve-access-control PVE/RPCEnvironment.pm compute_api_permission).
 * It looks at a fixed list of paths plus every path the ACL names; a path's first word picks
 * the area (`/` is `dc`), pools feed `vms` and `storage`, and each area keeps only the
 * privileges its pattern matches. Permissions.Modify counts in every area except `dc`.
 */

import type { AccessState } from '../state/access-state.js';
import type { Subject } from './acl.js';
import { privilegesOn } from './acl.js';

const AREAS: Record<string, RegExp> = {
  vms: /^(VM\.|Permissions\.Modify)/,
  access: /^((User|Group)\.|Permissions\.Modify)/,
  storage: /^(Datastore\.|Permissions\.Modify)/,
  nodes: /^(Sys\.|Permissions\.Modify)/,
  sdn: /^(SDN\.|Permissions\.Modify)/,
  dc: /^(Sys\.Audit|Sys\.Modify|SDN\.)/,
  mapping: /^(Mapping\.|Permissions\.Modify)/,
};

const REQUIRED_PATHS = ['/', '/nodes', '/access/groups', '/vms', '/storage', '/sdn', '/mapping'];

function addPoolPrivilege(out: Record<string, Record<string, number>>, priv: string): void {
  if (priv.startsWith('VM.')) out.vms![priv] = 1;
  else if (priv.startsWith('Datastore.')) out.storage![priv] = 1;
  else if (priv === 'Permissions.Modify') {
    out.storage![priv] = 1;
    out.vms![priv] = 1;
  }
}

export function apiCapabilities(
  access: AccessState,
  subject: Subject,
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const area of Object.keys(AREAS)) out[area] = {};
  const paths = new Set([...REQUIRED_PATHS, ...access.acl.map((e) => e.path)]);
  for (const path of paths) {
    const area = /^\/(\w+)/.exec(path)?.[1] ?? 'dc';
    const privs = privilegesOn(access, subject, path);
    if (area === 'pool') {
      for (const p of privs) addPoolPrivilege(out, p);
      continue;
    }
    const pattern = AREAS[area];
    if (!pattern) continue;
    for (const p of privs) if (pattern.test(p)) out[area]![p] = 1;
  }
  return out;
}
