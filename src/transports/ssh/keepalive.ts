/**
 * The ssh connection's keepalive, on an unref'd timer of ours: ssh2's own
 * `keepaliveInterval` is a ref'd setInterval that kept an idle connection's process
 * running (F8), and it cannot be reached inside ssh2.
 */
import type { Socket } from 'node:net';
import type { Client } from 'ssh2';

/** A ping every 15 s, 3 unanswered: a silently dead peer (NAT timeout, reboot) is noticed in 45-60 s. */
export const KEEPALIVE_MS = 15_000;
const KEEPALIVE_COUNT_MAX = 3;

/**
 * The two ssh2 internals the keepalive needs: what ssh2's own sendKA does (lib/client.js,
 * ssh2 1.17.0, pinned exactly in package.json). Replies to global requests are matched to
 * `_callbacks` in order, so a ping must queue its callback there like any global request.
 */
interface Ssh2Internals {
  _callbacks?: Array<(failed: unknown) => void>;
  _protocol?: { ping(): void };
}

/**
 * Pings the server (keepalive@openssh.com) on an unref'd timer; ends the connection after
 * KEEPALIVE_COUNT_MAX pings without an answer. ssh2's own `keepaliveInterval` is a ref'd
 * setInterval, re-armed on every channel reply, that held the process open as long as the
 * connection was, idle or not (F8); an unref'd timer cannot be reached inside ssh2.
 */
export function keepAlive(client: Client, socket: Socket, everyMs: number): () => void {
  const inner = client as unknown as Ssh2Internals;
  let unanswered = 0;
  const timer = setInterval(() => {
    if (!socket.writable || !inner._protocol || !inner._callbacks) return clearInterval(timer);
    // Destroyed, ssh2 emits 'close': running calls fail with ConnectionError, the next reconnects.
    if (++unanswered > KEEPALIVE_COUNT_MAX) return socket.destroy();
    // OpenSSH answers with a failure: any answer shows the peer is alive.
    inner._callbacks.push(() => {
      unanswered = 0;
    });
    inner._protocol.ping();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
