/**
 * The two parts of undici the HTTPS transport uses, loaded without undici's index: the index
 * loads fetch, WebSocket, caches and more (about 110 modules), which cost a one-shot command
 * such as `proxmox get /version` ~80 ms of CPU. undici is pinned to an exact version, whose
 * file layout these paths follow.
 */
import { createRequire } from 'node:module';
import type { buildConnector as UndiciBuildConnector, Pool as UndiciPool } from 'undici';

const load = createRequire(import.meta.url);

export const Pool: typeof UndiciPool = load('undici/lib/dispatcher/pool.js');
export const buildConnector: typeof UndiciBuildConnector = load('undici/lib/core/connect.js');
