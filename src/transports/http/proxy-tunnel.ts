/**
 * HTTPS through an HTTP proxy with CONNECT, done in our connector so that the TLS checks
 * (CA, fingerprint pinning) apply to the Proxmox host, not to the proxy.
 */
import { request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import type { buildConnector } from 'undici';
import { ConnectionError } from '../../core/errors.js';
import { classifyFailure } from '../transport.js';

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

export function tunnelConnector(proxyUrl: string, tls: buildConnector.connector): buildConnector.connector {
  const proxy = new URL(proxyUrl);
  return (options, callback) => {
    const target = `${options.hostname.includes(':') ? `[${options.hostname}]` : options.hostname}:${options.port}`;
    const headers: Record<string, string> = { host: target };
    if (proxy.username) {
      const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
      headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    const req = httpRequest({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || 80,
      method: 'CONNECT',
      path: target,
      headers,
    });
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
