/**
 * PVE changes HA and SDN configuration under a cluster file-system lock
 * (`lock_ha_domain`, `lock_sdn_config`) that prefixes any error from inside with the
 * operation's name: `create sdn vnet object failed: ...`, always as 500. A parameter
 * error becomes text the way `PVE::Exception` prints itself (`400 Parameter
 * verification failed.` and one `param: message` line per parameter).
 */
import { SimError } from '../engine/sim-error.js';

export function locked<T>(errmsg: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof SimError)) throw error;
    const detail = error.errors
      ? `${error.status} ${error.message}\n${Object.entries(error.errors)
          .map(([k, v]) => `${k}: ${v}\n`)
          .join('')}`
      : error.message;
    throw new SimError(500, `${errmsg}: ${detail}`);
  }
}
