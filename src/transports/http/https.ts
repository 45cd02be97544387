/**
 * HTTPS transport on undici: one keep-alive pool per origin, raw dispatch (the fastest
 * path undici has, and the only one that exposes the reason phrase, where pveproxy puts
 * the first line of its error message).
 */
import type { Dispatcher } from 'undici';
import { AbortError, ConnectionError, TimeoutError } from '../../core/errors.js';
import type { ResolvedHost, ResolvedOptions } from '../../options/resolve.js';
import type { Transport, TransportRequest, TransportResponse } from '../transport.js';
import { DispatchGuard } from './dispatch-guard.js';
import { parseBody, toWire, type WireSettings } from './http-request.js';
import { proxyFor, tunnelConnector } from './proxy-tunnel.js';
import { dispatchStream } from './stream-response.js';
import { tlsConnector } from './tls-connector.js';
import { Pool } from './undici-parts.js';
import { sendUpload, uploadHost } from './upload-body.js';

/** Connections per origin: enough to keep 64 callers busy, few enough not to crowd pveproxy's workers. */
const CONNECTIONS = 8;

export class HttpsTransport implements Transport {
  readonly backend = 'https' as const;
  readonly needsAuth = true;
  readonly #options: ResolvedOptions;
  readonly #settings: WireSettings;
  readonly #dispatchers = new Map<string, Dispatcher>();
  #hostIndex = 0;

  constructor(options: ResolvedOptions) {
    this.#options = options;
    this.#settings = {
      pathPrefix: options.pathPrefix,
      bodyEncoding: options.bodyEncoding,
      booleans: options.service.booleans,
    };
  }

  get origin(): string {
    return originOf(this.#options.hosts[this.#hostIndex]!);
  }

  #dispatcher(host: ResolvedHost, origin: string): Dispatcher {
    let d = this.#dispatchers.get(origin);
    if (d === undefined) {
      d = makeDispatcher(host, this.#options);
      this.#dispatchers.set(origin, d);
    }
    return d;
  }

  /** pveproxy never forwards an upload: it goes to the host that is the storage's node, when the list has it. */
  #hostFor(req: TransportRequest): ResolvedHost {
    const current = this.#options.hosts[this.#hostIndex]!;
    if (!req.upload) return current;
    const node = /^\/nodes\/([^/]+)\//.exec(req.path)?.[1];
    return (node && uploadHost(this.#options.hosts, decodeURIComponent(node))) || current;
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    const host = this.#hostFor(req);
    const origin = originOf(host);
    const dispatcher = this.#dispatcher(host, origin);
    const wire = toWire(req, this.#settings);
    if (req.upload) return sendUpload(dispatcher, origin, wire, req);
    const options: CollectOptions = {
      origin,
      path: wire.url,
      method: req.method,
      headers: wire.headers,
      body: wire.body ?? null,
      timeout: req.timeout ?? this.#options.timeout,
      signal: req.signal,
    };
    if (req.responseType === 'stream') return dispatchStream(dispatcher, options);
    return this.#failingOver(origin, dispatchCollect(dispatcher, options));
  }

  /**
   * Cluster failover: when a node stops answering, later requests go to the next host of
   * the list (a ticket is valid on every node of its cluster). Only the first failure of a
   * node moves on, so that concurrent failures do not skip a healthy node.
   */
  async #failingOver(origin: string, answer: Promise<TransportResponse>): Promise<TransportResponse> {
    try {
      return await answer;
    } catch (error) {
      if (error instanceof ConnectionError && this.#options.hosts.length > 1 && origin === this.origin) {
        this.#hostIndex = (this.#hostIndex + 1) % this.#options.hosts.length;
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    const all = [...this.#dispatchers.values()];
    this.#dispatchers.clear();
    await Promise.all(all.map((d) => d.close()));
  }
}

export function originOf(host: ResolvedHost): string {
  const name = host.hostname.includes(':') ? `[${host.hostname}]` : host.hostname;
  return `${host.protocol}://${name}:${host.port}`;
}

function makeDispatcher(host: ResolvedHost, options: ResolvedOptions): Dispatcher {
  const tls = tlsConnector(options);
  const proxy = proxyFor(host.hostname, host.port, options.proxy);
  const connect = proxy === undefined ? tls : tunnelConnector(proxy, tls);
  return new Pool(originOf(host), { connections: CONNECTIONS, connect, keepAliveTimeout: 30_000 });
}

export interface CollectOptions {
  origin: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  timeout: number;
  signal: AbortSignal | undefined;
}

/** Dispatches one request and collects status, reason phrase, headers and body. */
export function dispatchCollect(dispatcher: Dispatcher, o: CollectOptions): Promise<TransportResponse> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let statusText = '';
    let headers: Record<string, string | string[] | undefined> = {};
    const chunks: Buffer[] = [];
    const where = `${o.method} ${o.path.split('?')[0]}`;
    const guard = new DispatchGuard({
      where,
      signal: o.signal,
      timeoutMs: o.timeout,
      timeoutText: `no answer within ${o.timeout} ms`,
      onFail: reject,
    });
    if (!guard.start()) return;

    dispatcher.dispatch(
      {
        origin: o.origin,
        path: o.path,
        method: o.method as Dispatcher.HttpMethod,
        headers: o.headers,
        body: o.body,
      },
      {
        onRequestStart(c) {
          guard.attach(c);
        },
        onResponseStart(_c, statusCode, responseHeaders, statusMessage) {
          status = statusCode;
          statusText = statusMessage ?? '';
          headers = responseHeaders as Record<string, string | string[] | undefined>;
        },
        onResponseData(_c, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          if (guard.ended) return;
          guard.end();
          const text = Buffer.concat(chunks).toString('utf8');
          const contentType = headers['content-type'];
          resolve({
            status,
            statusText,
            headers,
            body: parseBody(text, typeof contentType === 'string' ? contentType : undefined),
          });
        },
        onResponseError(_c, error) {
          if (guard.ended) return;
          guard.end();
          reject(
            error instanceof TimeoutError || error instanceof AbortError
              ? error
              : new ConnectionError(`${where}: ${error.message}`, { cause: error, method: o.method }),
          );
        },
      },
    );
  });
}
