/**
 * Opens the sockets the HTTP/1.1 pool (http1-pool.ts) sends its requests over: TCP, or TLS
 * over TCP or over a socket given (the tunnel of an HTTPS proxy). A connector is a function
 * with a callback, so that the TLS checks (tls-connector.ts) and the proxy tunnel
 * (proxy-tunnel.ts) can wrap one another; consoles open their websockets through the same one.
 *
 * TLS sessions are cached per server name and resumed (a resumed handshake saves a round
 * trip and the server's signature), no SNI is sent for an IP address (RFC 6066), and a
 * connection that takes longer than `timeout` ms ends as a ConnectionError that says nothing
 * was sent.
 */
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { ConnectionError } from '../../core/errors.js';

export interface ConnectTarget {
  /** TLS, or plain TCP (tests, and checksum files served over http). */
  protocol: 'https:' | 'http:';
  hostname: string;
  port: number;
  /** The name for SNI and the certificate check; by default the hostname unless it is an IP address. */
  servername?: string;
  /** Run TLS over this socket (a proxy's CONNECT tunnel) instead of a new TCP connection. */
  httpSocket?: Socket;
}

export type ConnectCallback = (error: Error | null, socket: Socket | null) => void;
export type Connector = (target: ConnectTarget, callback: ConnectCallback) => void;

export interface SocketOptions {
  /** Milliseconds for TCP and TLS together. */
  timeout: number;
  tls?: ConnectionOptions;
}

/**
 * A better account of a socket's failure than its own error event, recorded by a connector
 * that knows more (tls-connector.ts: a TLS alert about the client certificate, in words);
 * the connection reports it instead.
 */
export const socketFailures = new WeakMap<Socket, Error>();

/**
 * OpenSSL's codes for a peer whose first bytes are no TLS record (a plain HTTP server on the
 * port): its message names source files (`ssl3_get_record:wrong version number:../deps/...`).
 */
const NOT_TLS = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_HTTP_REQUEST',
]);

/** A handshake error said in words when the peer does not speak TLS; the code stays (it is no certificate error). */
function notTls(error: Error, target: ConnectTarget): Error {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !NOT_TLS.has(code)) return error;
  return Object.assign(
    new Error(
      `${target.hostname}:${target.port} did not answer in TLS: is it a plain HTTP server? (the URL says https)`,
      { cause: error },
    ),
    { code },
  );
}

/** TLS sessions kept per server name. */
const SESSION_LIMIT = 100;

export function socketConnector(options: SocketOptions): Connector {
  const sessions = new Map<string, Buffer>();
  return (target, callback) => {
    let socket: Socket;
    const secure = target.protocol === 'https:';
    if (secure) {
      const servername =
        target.servername !== undefined
          ? target.servername
          : isIP(target.hostname) === 0
            ? target.hostname
            : undefined;
      const key = servername === undefined ? target.hostname : servername;
      const tls: TLSSocket = tlsConnect({
        ...options.tls,
        host: target.hostname,
        port: target.port,
        ...(servername === undefined ? {} : { servername }),
        ...(target.httpSocket === undefined ? {} : { socket: target.httpSocket }),
        session: sessions.get(key),
        ALPNProtocols: ['http/1.1'],
      });
      tls.on('session', (session: Buffer) => {
        sessions.delete(key);
        if (sessions.size >= SESSION_LIMIT) sessions.delete(sessions.keys().next().value as string);
        sessions.set(key, session);
      });
      socket = tls;
    } else if (target.httpSocket !== undefined) {
      // Plain HTTP through a proxy's tunnel: the tunnel is the connection.
      callback(null, target.httpSocket);
      return;
    } else {
      socket = netConnect({ host: target.hostname, port: target.port });
    }
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    let done = false;
    const finish = (error: Error | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.removeListener('error', finish);
      if (error === null) callback(null, socket);
      else {
        socket.destroy();
        callback(secure ? notTls(error, target) : error, null);
      }
    };
    const timer = setTimeout(
      () =>
        finish(
          new ConnectionError(
            `could not connect to ${target.hostname}:${target.port} within ${options.timeout} ms`,
            { sent: 'no' },
          ),
        ),
      options.timeout,
    );
    socket.once(secure ? 'secureConnect' : 'connect', () => finish(null));
    socket.on('error', finish);
  };
}
