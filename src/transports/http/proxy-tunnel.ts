/**
 * HTTPS through an HTTP proxy with CONNECT, done in our connector so that the TLS checks
 * (CA, fingerprint pinning) apply to the Proxmox host, not to the proxy.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { rootCertificates } from 'node:tls';
import { ConnectionError, InvalidArgumentError } from '../../core/errors.js';
import { classifyFailure } from '../transport.js';
import type { Connector } from './socket-connector.js';

/** The proxy for an origin: the explicit one, or HTTPS_PROXY unless NO_PROXY matches. */
export function proxyFor(
  hostname: string,
  port: number,
  explicit: string | false | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (explicit === false) return undefined;
  if (typeof explicit === 'string') return explicit;
  const proxy = env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy;
  if (!proxy) return undefined;
  const noProxy = (env.NO_PROXY || env.no_proxy || '').split(/[,\s]+/).filter(Boolean);
  const bypass = noProxy.some((entry) => {
    if (entry === '*') return true;
    const [name, entryPort] = entry.split(/:(?=\d+$)/) as [string, string | undefined];
    if (entryPort !== undefined && Number(entryPort) !== port) return false;
    const bare = name.replace(/^\*?\./, '').toLowerCase();
    const host = hostname.toLowerCase();
    return host === bare || host.endsWith(`.${bare}`);
  });
  return bypass ? undefined : proxy;
}

/**
 * Parses a proxy URL, naming where it came from and never quoting it: it may carry a
 * password (Node's own TypeError would show the whole input).
 */
export function parseProxyUrl(text: string, source: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidArgumentError(
      `${source}: not a valid proxy URL (expected http://[user:password@]host:port)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(
      `${source}: unsupported proxy scheme '${url.protocol.slice(0, -1).slice(0, 20)}', expected http or https`,
    );
  }
  return url;
}

export interface ProxyTls {
  /** Extra trusted CAs (option `ca`), for a proxy whose certificate a private CA signed. */
  ca?: string | Buffer | Array<string | Buffer> | undefined;
  /** Whether the proxy's certificate is checked (option `verifySsl`). */
  verify: boolean;
}

/**
 * Opens the tunnel: CONNECT over plain TCP to an `http://` proxy, over TLS to an `https://`
 * one (so that Proxy-Authorization never travels in clear there), then the TLS handshake
 * with the Proxmox host inside it.
 */
export function tunnelConnector(proxy: URL, tls: Connector, proxyTls: ProxyTls): Connector {
  const secure = proxy.protocol === 'https:';
  const proxyHost = proxy.hostname.replace(/^\[|\]$/g, '');
  return (options, callback) => {
    const target = `${options.hostname.includes(':') ? `[${options.hostname}]` : options.hostname}:${options.port}`;
    const headers: Record<string, string> = { host: target };
    if (proxy.username) {
      const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
      headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    const common = { host: proxyHost, method: 'CONNECT', path: target, headers, agent: false } as const;
    const req = secure
      ? httpsRequest({
          ...common,
          port: proxy.port || 443,
          servername: isIP(proxyHost) ? '' : proxyHost,
          rejectUnauthorized: proxyTls.verify,
          // Node's `ca` replaces the system store: keep it, for a proxy with a public certificate.
          ...(proxyTls.ca === undefined ? {} : { ca: [...rootCertificates, ...[proxyTls.ca].flat()] }),
        })
      : httpRequest({ ...common, port: proxy.port || 80 });
    req.once('connect', (res, socket: Socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        return callback(
          new ConnectionError(`proxy refused the tunnel to ${target}: ${res.statusCode}`, { sent: 'no' }),
          null,
        );
      }
      tls({ ...options, httpSocket: socket }, callback);
    });
    req.once('error', (error) =>
      callback(
        new ConnectionError(`proxy ${proxy.host} unreachable: ${error.message}`, {
          cause: error,
          ...classifyFailure(error),
        }),
        null,
      ),
    );
    req.end();
  };
}
