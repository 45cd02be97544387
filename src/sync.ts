/** The blocking facade (issue 6). */
import { InvalidArgumentError } from './errors.js';
import type { ProxmoxOptions } from './options.js';

export function createSyncClient(_options: ProxmoxOptions): unknown {
  throw new InvalidArgumentError('ProxmoxSDK.sync is not available yet');
}
