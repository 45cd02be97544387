/**
 * A client for one guest command (exec, agent, console, vnc): connection options from the
 * flags, the environment or a profile, and Ctrl-C turned into an abort of what is in flight.
 */
import type { ServiceName } from '../../core/services.js';
import type { ProxmoxClient } from '../../sdk/proxmox-sdk.js';
import type { ParsedArgs } from '../args.js';
import { connectionOptions } from '../connection.js';

type Sdk = ProxmoxClient<ServiceName>;

export interface GuestSession {
  px: Sdk;
  /** Aborted by SIGINT. */
  signal: AbortSignal;
}

/** Runs `body` with a client, closing it (and dropping the SIGINT handler) afterwards. */
export async function withSession<T>(
  options: ParsedArgs['options'],
  body: (session: GuestSession) => Promise<T>,
): Promise<T> {
  const resolved = await connectionOptions(options);
  const { ProxmoxSDK } = await import('../../sdk/proxmox-sdk.js');
  const px = new ProxmoxSDK(resolved);
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once('SIGINT', onSigint);
  try {
    return await body({ px, signal: interrupt.signal });
  } finally {
    process.off('SIGINT', onSigint);
    await px.close();
  }
}
