/** The one shape every measured Node client is wrapped in, so the load loops are shared. */
import type { Target } from '../sim-process.js';

export type AuthKind = 'token' | 'password';

export interface BenchClient {
  /** One GET of an API path such as `/cluster/resources`; answers the decoded `data`. */
  get(path: string): Promise<unknown>;
  close(): Promise<void>;
}

/** Makes a fresh client; a password client must not log in before its first request. */
export type ClientFactory = (target: Target, auth: AuthKind) => Promise<BenchClient>;

export function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}
