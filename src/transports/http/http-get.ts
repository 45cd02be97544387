/**
 * A GET of a public URL (a distribution's checksum file, src/files/checksums.ts) on our
 * HTTP/1.1 client: follows up to 5 redirects (mirrors send them), honours HTTPS_PROXY /
 * HTTP_PROXY / NO_PROXY (an https URL through a CONNECT tunnel, an http one in absolute form
 * to the proxy), checks certificates against the system store, and reads at most
 * `maxBytes` of the body. Each call uses its own pools and closes them: these are one-off
 * fetches, far from the API's hot path.
 */
import { ConnectionError, TimeoutError } from '../../core/errors.js';
import type { Http1Handler } from './http1-connection.js';
import type { ResponseHeaders } from './http1-parser.js';
import { Http1Pool } from './http1-pool.js';
import { parseProxyUrl, proxyFor, tunnelConnector } from './proxy-tunnel.js';
import { type Connector, socketConnector } from './socket-connector.js';

export interface GetOptions {
  /** Milliseconds for the whole fetch, redirects included. */
  timeout: number;
  signal?: AbortSignal | undefined;
  /** Bodies larger than this end the fetch as too large (undefined is answered). */
  maxBytes: number;
  env?: NodeJS.ProcessEnv;
}

export interface GetAnswer {
  status: number;
  headers: ResponseHeaders;
  /** Undefined when the body was larger than `maxBytes`. */
  body: Buffer | undefined;
}

const MAX_REDIRECTS = 5;
const REDIRECT = new Set([301, 302, 303, 307, 308]);

export async function httpGet(url: string, options: GetOptions): Promise<GetAnswer> {
  const signals = [AbortSignal.timeout(options.timeout)];
  if (options.signal !== undefined) signals.push(options.signal);
  const signal = AbortSignal.any(signals);
  const pools: Http1Pool[] = [];
  try {
    let target = new URL(url);
    for (let hop = 0; ; hop++) {
      const answer = await getOnce(target, options, signal, pools);
      const location = answer.headers.location;
      if (!REDIRECT.has(answer.status) || typeof location !== 'string') return answer;
      if (hop === MAX_REDIRECTS) throw new ConnectionError(`more than ${MAX_REDIRECTS} redirects`);
      target = new URL(location, target);
    }
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
}

function getOnce(url: URL, options: GetOptions, signal: AbortSignal, pools: Http1Pool[]): Promise<GetAnswer> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return Promise.reject(new ConnectionError(`unsupported URL scheme ${url.protocol.slice(0, 20)}`));
  }
  const secure = url.protocol === 'https:';
  const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const proxyText = proxyFor(hostname, port, undefined, options.env);
  const direct = socketConnector({ timeout: options.timeout });
  const headers: Record<string, string> = { accept: '*/*' };
  let origin = url.origin;
  let path = `${url.pathname}${url.search}`;
  let connect: Connector = direct;
  if (proxyText !== undefined) {
    const proxy = parseProxyUrl(proxyText, 'HTTPS_PROXY (or HTTP_PROXY)');
    if (secure) connect = tunnelConnector(proxy, direct, { verify: true });
    else {
      // Plain HTTP goes to the proxy itself, with the whole URL as the target.
      origin = proxy.origin;
      path = url.href.replace(/#.*$/, '');
      headers.host = url.host;
      if (proxy.username) {
        const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
        headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
      }
    }
  }
  const pool = new Http1Pool(origin, { connections: 1, connect, idleTimeout: 1_000 });
  pools.push(pool);
  return new Promise((resolve, reject) => {
    const answer: GetAnswer = { status: 0, headers: {}, body: undefined };
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const onAbort = () => {
      control.abort();
      reject(
        options.signal?.aborted
          ? options.signal.reason
          : new TimeoutError(`no answer within ${options.timeout} ms`),
      );
    };
    const handler: Http1Handler = {
      onHead(status, _reason, responseHeaders) {
        answer.status = status;
        answer.headers = responseHeaders;
      },
      onBody(chunk) {
        size += chunk.length;
        if (size > options.maxBytes) tooLarge = true;
        if (!tooLarge) chunks.push(Buffer.from(chunk));
        else {
          // Enough: the rest is not read.
          signal.removeEventListener('abort', onAbort);
          control.abort();
          resolve(answer);
        }
      },
      onComplete() {
        signal.removeEventListener('abort', onAbort);
        answer.body = Buffer.concat(chunks, size);
        resolve(answer);
      },
      onError(error) {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    };
    const control = pool.dispatch({ method: 'GET', path, headers, body: null }, handler);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
