/** Options from the environment, credentials files and profiles (issue 6). */
import { InvalidArgumentError } from './errors.js';
import type { ProxmoxOptions } from './options.js';

/** Options from `PROXMOX_*` variables. */
export function optionsFromEnv(_env: NodeJS.ProcessEnv = process.env): ProxmoxOptions {
  throw new InvalidArgumentError('fromEnv is not available yet');
}

/** Options from a JSON/YAML credentials file or a directory of one file per key. */
export async function optionsFromFile(_path: string): Promise<ProxmoxOptions> {
  throw new InvalidArgumentError('fromFile is not available yet');
}

/** Options from a named profile (or the default one). */
export async function optionsFromProfile(_name?: string): Promise<ProxmoxOptions> {
  throw new InvalidArgumentError('fromProfile is not available yet');
}
