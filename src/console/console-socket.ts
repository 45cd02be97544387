/**
 * Opens the vncwebsocket upgrade as pveproxy expects it (pve-http-server AnyEvent.pm,
 * handle_api2_request's upgrade branch and websocket_proxy): a GET on
 * `.../vncwebsocket?port=P&vncticket=T` with the client's own credentials (ticket cookie or
 * API token header: the request is authenticated like any other), the `binary`
 * subprotocol, no compression (pveproxy drops frames with RSV bits) and messages of at
 * most 128 KiB (it drops larger ones). The TLS socket comes from the HTTPS transport's own
 * connector, so CA, verifySsl, fingerprint pinning, client certificates and the proxy
 * option hold for consoles as for every call; it is checked before a byte of the request,
 * with its credentials, is written.
 *
 * The websocket protocol is the `ws` package's: the standard websocket library for Node
 * (Node 20 has no WebSocket of its own, and undici's reports a refused upgrade without its
 * status, which is what tells a bad ticket from bad credentials). It is an optional peer
 * dependency, loaded only when a console opens, so an https-only install does not carry it.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import {
  AbortError,
  AuthenticationError,
  ConnectionError,
  InvalidArgumentError,
  ResourceException,
} from '../core/errors.js';
import type { ResolvedOptions } from '../options/resolve.js';
import { hostConnector } from '../transports/http/https.js';
import { loadWithPeer } from '../transports/optional-peer.js';
import { classifyFailure } from '../transports/transport.js';
import type { ConsoleContext, ProxyTicket } from './console-types.js';

/** pveproxy's $max_payload_size for websocket frames. */
export const MAX_MESSAGE = 128 * 1024;

/** Refuses what cannot carry a console: the shell and mock backends have no websocket. */
export function assertWebsocketBackend(options: ResolvedOptions): void {
  if (options.backend !== 'https' || options.hosts[0]?.protocol !== 'https')
    throw new InvalidArgumentError(
      `consoles need the https backend (this client uses '${options.backend}'): terminals and VNC are reached through pveproxy's websocket`,
    );
}

function connectSocket(options: ResolvedOptions): Promise<Socket> {
  const host = options.hosts[0]!;
  const connect = hostConnector(host, options);
  return new Promise((resolve, reject) => {
    // The connector sends no SNI for an IP address (RFC 6066).
    connect({ protocol: 'https:', hostname: host.hostname, port: host.port }, (error, socket) => {
      if (error === null) resolve(socket as Socket);
      else
        reject(
          error instanceof ConnectionError
            ? error
            : new ConnectionError(`console: ${error.message}`, { cause: error, ...classifyFailure(error) }),
        );
    });
  });
}

export async function openConsoleSocket(
  ctx: ConsoleContext,
  path: string,
  ticket: ProxyTicket,
  signal?: AbortSignal,
): Promise<WebSocket> {
  const o = ctx.options;
  // Side by side (the TLS handshake is the slow part), but a connected socket is not left
  // open when loading ws or getting the credentials failed.
  const connecting = connectSocket(o);
  // Handled from the start: a TLS refusal (a wrong pin) may come while the awaits below are
  // pending, and an unhandled rejection ends a Node process by default. `await connecting`
  // below still throws it.
  connecting.catch(() => {});
  let wsModule: typeof import('ws');
  let headers: Readonly<Record<string, string>>;
  try {
    [wsModule, headers] = await Promise.all([
      loadWithPeer('ws', 'consoles (terminal and VNC)', () => import('ws')),
      ctx.headers(signal),
    ]);
  } catch (error) {
    connecting.then(
      (s) => s.destroy(),
      () => {},
    );
    throw error;
  }
  const socket = await connecting;
  if (signal?.aborted) {
    socket.destroy();
    throw new AbortError(`GET ${path}/vncwebsocket: aborted`);
  }
  const { WebSocket } = wsModule;
  const host = o.hosts[0]!;
  const query = new URLSearchParams({ port: String(ticket.port), vncticket: ticket.ticket });
  const name = host.hostname.includes(':') ? `[${host.hostname}]` : host.hostname;
  const url = `wss://${name}:${host.port}${o.pathPrefix}/api2/json${path}/vncwebsocket?${query}`;
  // Never the URL: its query holds the ticket.
  const where = `GET ${path}/vncwebsocket`;
  const ws = new WebSocket(url, ['binary'], {
    headers: { ...headers },
    perMessageDeflate: false,
    maxPayload: 64 * 1024 * 1024,
    createConnection: () => socket,
    handshakeTimeout: o.connectTimeout,
  });
  ws.binaryType = 'nodebuffer';
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      ws.terminate();
      reject(new AbortError(`${where}: aborted`, { method: 'GET', path }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    ws.once('open', () => {
      done();
      resolve(ws);
    });
    ws.once('unexpected-response', (_req, res) => {
      done();
      const status = res.statusCode ?? 0;
      // pveproxy puts the first line of its error in the reason phrase.
      const reason = res.statusMessage ?? '';
      res.resume();
      socket.destroy();
      const message = `${where}: ${status} ${reason}`;
      reject(
        status === 401
          ? new AuthenticationError(message, { statusCode: status, method: 'GET', path })
          : new ResourceException(message, {
              statusCode: status,
              statusMessage: reason,
              method: 'GET',
              path,
            }),
      );
    });
    ws.once('error', (error) => {
      done();
      reject(new ConnectionError(`${where}: ${error.message}`, { cause: error, method: 'GET', path }));
    });
  });
}
