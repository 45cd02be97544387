/**
 * Which product's schema a command reads, decided before any connection is made (and
 * before any secret is asked for): `--service`, else `PROXMOX_SERVICE`, else the service of
 * the profile the command would use (`--profile`, `PROXMOX_PROFILE`, or the default profile
 * when neither flags nor the environment name a host), else PVE. connection.ts picks the
 * profile by the same rule.
 */
import { findService, type ServiceName } from '../core/services.js';
import type { ParsedArgs } from './args.js';
import { UsageError } from './args.js';

export async function chooseService(
  o: ParsedArgs['options'],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServiceName> {
  const named =
    typeof o.service === 'string' ? o.service : env.PROXMOX_SERVICE || (await profileService(o, env));
  const service = findService(named ?? 'PVE');
  if (service === undefined) throw new UsageError('--service: expected pve, pbs, pmg or pdm');
  return service;
}

async function profileService(o: ParsedArgs['options'], env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const named = typeof o.profile === 'string' ? o.profile : env.PROXMOX_PROFILE || undefined;
  if (
    named === undefined &&
    (typeof o.host === 'string' || typeof o.backend === 'string' || env.PROXMOX_HOST)
  ) {
    return undefined;
  }
  try {
    const config = await import('../config/config.js');
    const name = named ?? (await config.listProfiles({ env })).find((p) => p.isDefault)?.name;
    if (name === undefined) return undefined;
    const service = (await config.getProfile(name, { env }))?.service;
    return service === undefined ? undefined : String(service);
  } catch {
    // An unreadable store is reported when the connection is made, with the reason.
    return undefined;
  }
}
