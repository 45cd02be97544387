/**
 * The in-process backend: the simulator's engine answers without sockets. Requests are
 * encoded exactly as the HTTPS transport encodes them, so auth, CSRF and envelopes are
 * exercised the same way.
 */
import { AbortError, ConnectionError, InvalidArgumentError, TimeoutError } from '../core/errors.js';
import type { ResolvedOptions } from '../options/resolve.js';
import type { SimulatorEngine } from '../simulator/index.js';
import { parseBody, toWire, type WireSettings } from './http/http-request.js';
import { multipartBody, multipartLayout } from './http/multipart.js';
import type { Transport, TransportRequest, TransportResponse } from './transport.js';

export class MockTransport implements Transport {
  readonly backend = 'mock' as const;
  readonly needsAuth = true;
  readonly engine: SimulatorEngine;
  readonly #settings: WireSettings;

  private constructor(engine: SimulatorEngine, options: ResolvedOptions) {
    this.engine = engine;
    this.#settings = {
      pathPrefix: '',
      bodyEncoding: options.bodyEncoding,
      booleans: options.service.booleans,
    };
  }

  static async create(options: ResolvedOptions): Promise<MockTransport> {
    const { SimulatorEngine } = await import('../simulator/index.js');
    if (options.engine !== undefined && !(options.engine instanceof SimulatorEngine)) {
      throw new InvalidArgumentError('option engine: expected a SimulatorEngine from proxmox-sdk/simulator');
    }
    const engine =
      (options.engine as SimulatorEngine | undefined) ??
      new SimulatorEngine({
        service: options.service.name,
        dataset: options.dataset ?? 'demo',
        ...(options.guests === undefined ? {} : { guests: options.guests }),
      });
    return new MockTransport(engine, options);
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    req.signal?.throwIfAborted();
    const wire = toWire(req, this.#settings);
    let body = wire.body === undefined ? undefined : Buffer.from(wire.body);
    if (req.upload) {
      // The same multipart bytes the HTTPS transport streams; in memory, as the engine is.
      const layout = multipartLayout(req.params, req.upload);
      const chunks: Buffer[] = [];
      for await (const chunk of multipartBody(layout, req.upload)) chunks.push(chunk);
      body = Buffer.concat(chunks);
      wire.url = wire.url.split('?')[0]!;
      wire.headers['content-type'] = layout.contentType;
      wire.headers['content-length'] = String(layout.length);
    }
    const res = await settleWithin(
      this.engine.handle({
        method: req.method,
        url: wire.url,
        headers: wire.headers,
        ...(body === undefined ? {} : { body }),
      }),
      `${req.method} ${wire.url.split('?')[0]}`,
      req.timeout,
      req.signal,
    );
    // The engine's fault injection drops the connection: the same error as over HTTPS.
    if (res.reset)
      throw new ConnectionError(`${req.method} ${wire.url.split('?')[0]}: connection reset by the server`);
    const text = typeof res.body === 'string' ? res.body : res.body.toString('utf8');
    return {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
      body: parseBody(text, res.headers['content-type']),
    };
  }

  async close(): Promise<void> {}
}

/** The engine's answer, or TimeoutError/AbortError when the caller stops waiting first. */
function settleWithin<T>(
  answer: Promise<T>,
  where: string,
  timeout: number | undefined,
  signal?: AbortSignal,
): Promise<T> {
  if (timeout === undefined && signal === undefined) return answer;
  return new Promise<T>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      reject(new AbortError(`${where}: aborted by the caller`, { cause: signal?.reason }));
    };
    const timer =
      timeout === undefined
        ? undefined
        : setTimeout(() => {
            done();
            reject(new TimeoutError(`${where}: no answer within ${timeout} ms`));
          }, timeout);
    signal?.addEventListener('abort', onAbort, { once: true });
    answer.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}
