/**
 * HTTPS transport on our HTTP/1.1 client (http1-pool.ts): one keep-alive pool per origin.
 * The client keeps the reason phrase, where pveproxy puts the first line of its error message.
 */
import { ConnectionError } from '../../core/errors.js';
import type { ResolvedHost, ResolvedOptions } from '../../options/resolve.js';
import type { Transport, TransportRequest, TransportResponse } from '../transport.js';
import { exchange, whereOf } from './dispatch.js';
import { toWire, type WireSettings } from './http-request.js';
import { Http1Pool } from './http1-pool.js';
import { parseProxyUrl, proxyFor, tunnelConnector } from './proxy-tunnel.js';
import { CollectSink, StreamSink } from './sinks.js';
import type { Connector } from './socket-connector.js';
import { tlsConnector } from './tls-connector.js';
import { uploadHost, uploadRequest } from './upload-body.js';

export class HttpsTransport implements Transport {
  readonly backend = 'https' as const;
  readonly needsAuth = true;
  readonly #options: ResolvedOptions;
  readonly #settings: WireSettings;
  readonly #dispatchers = new Map<string, Http1Pool>();
  readonly #origins = new Map<ResolvedHost, string>();
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
    return this.#originOf(this.#options.hosts[this.#hostIndex]!);
  }

  /** Each host's origin, built once: a new string per request also had to be hashed for #dispatchers. */
  #originOf(host: ResolvedHost): string {
    let origin = this.#origins.get(host);
    if (origin === undefined) {
      origin = originOf(host);
      this.#origins.set(host, origin);
    }
    return origin;
  }

  #dispatcher(host: ResolvedHost, origin: string): Http1Pool {
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
    if (req.upload === undefined) return current;
    const node = req.upload.node;
    return (node !== undefined && uploadHost(this.#options.hosts, node)) || current;
  }

  /** Not `async`: an async function wraps the exchange's promise in one more (and more microtask turns). */
  request(req: TransportRequest): Promise<TransportResponse> {
    try {
      return this.#send(req);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #send(req: TransportRequest): Promise<TransportResponse> {
    // Hot path: no `?.` or `??` here. The CommonJS build (tsup's sucrase pass) turns each into a
    // helper call that allocates an array and closures, on every request (bench/cpu-per-call.ts).
    const host = this.#hostFor(req);
    const origin = this.#originOf(host);
    const dispatcher = this.#dispatcher(host, origin);
    const wire = toWire(req, this.#settings);
    const timeoutMs = req.timeout === undefined ? this.#options.timeout : req.timeout;
    const limit = this.#options.maxResponseBytes;
    const where = whereOf(req.method, wire.url);
    if (req.upload) {
      // An upload of several GB outlasts any per-request limit: only a stall of `timeout` ms fails it.
      const upload = uploadRequest(wire, req, req.upload);
      return exchange(
        dispatcher,
        {
          method: req.method,
          path: upload.path,
          headers: upload.headers,
          body: upload.body,
          signal: req.signal,
          timeoutMs,
          where,
          timeoutText: `upload stalled for ${timeoutMs} ms`,
          idle: true,
        },
        new CollectSink(where, limit),
      );
    }
    const stream = req.responseType === 'stream';
    const answer = exchange(
      dispatcher,
      {
        method: req.method,
        path: wire.url,
        headers: wire.headers,
        body: wire.body === undefined ? null : wire.body,
        signal: req.signal,
        timeoutMs,
        where,
        // A slow but moving download is not cut off, a stalled one is; otherwise the timer runs
        // once, over the head and the whole body: a trickle cannot outlast it.
        timeoutText: stream ? `no data for ${timeoutMs} ms` : `no complete answer within ${timeoutMs} ms`,
        idle: stream,
      },
      stream ? new StreamSink(where, limit) : new CollectSink(where, limit),
    );
    // One host has nowhere to fail over to: no extra async frame per call for it.
    return !stream && this.#options.hosts.length > 1 ? this.#failingOver(origin, answer) : answer;
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
      if (error instanceof ConnectionError && origin === this.origin) {
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

/**
 * The TLS connector for one host: certificate checks, fingerprint pinning, client
 * certificates and the proxy tunnel. Consoles open their websockets through it too.
 */
export function hostConnector(host: ResolvedHost, options: ResolvedOptions): Connector {
  const tls = tlsConnector(options);
  const proxy = proxyFor(host.hostname, host.port, options.proxy);
  const source = typeof options.proxy === 'string' ? 'option proxy' : 'HTTPS_PROXY (or HTTP_PROXY)';
  return proxy === undefined
    ? tls
    : tunnelConnector(parseProxyUrl(proxy, source), tls, {
        verify: options.verifySsl,
        ca: options.ca as string | Buffer | Array<string | Buffer> | undefined,
      });
}

function makeDispatcher(host: ResolvedHost, options: ResolvedOptions): Http1Pool {
  const connect = hostConnector(host, options);
  return new Http1Pool(originOf(host), { connections: options.connections, connect, idleTimeout: 30_000 });
}
