/**
 * Loads a backend whose package is an optional peer dependency (ssh2 for `backend: 'ssh'`):
 * https-only users do not install it, and those who need it get one line saying how.
 */
import { InvalidArgumentError } from '../core/errors.js';

/** Node's "not installed" for `pkg`: ERR_MODULE_NOT_FOUND (import) or MODULE_NOT_FOUND (require). */
export function isMissingPackage(error: unknown, pkg: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    message.includes(`'${pkg}'`)
  );
}

export async function loadWithPeer<T>(pkg: string, feature: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!isMissingPackage(error, pkg)) throw error;
    throw new InvalidArgumentError(`${feature} needs the optional package ${pkg}: run npm install ${pkg}`, {
      cause: error,
    });
  }
}
