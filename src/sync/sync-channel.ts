/**
 * A blocking call into a worker thread: the worker runs the async SDK, this thread sleeps
 * in `Atomics.wait` until the answer is posted, then takes it with `receiveMessageOnPort`
 * (no event loop turn needed). The same mechanism as synckit's `createSyncFn`, owned here
 * so that each sync client has its own worker that `close()` ends; synckit keeps one
 * shared, never-ended worker per file. bench/sync-cost.ts measures both.
 *
 * Errors cross as plain data (`code`, message, fields) and are rebuilt from ERROR_CLASSES,
 * so `isResourceException(e)`, `e.code` and `instanceof` all work on this side.
 */

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { ConnectionError, ERROR_CLASSES, type ErrorCode, ProxmoxError } from '../core/errors.js';

/** Slot 0 of the shared state: 0 waiting, 1 answered, 2 the worker is gone. */
const WAITING = 0;
const ANSWERED = 1;
const GONE = 2;
/** Wake up now and then to notice a worker that died without saying so. */
const WAKE_MS = 1_000;

export interface WorkerRequest {
  id: number;
  op: string;
  args: unknown[];
}

export type WorkerReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  [key: string]: unknown;
}

export interface WorkerSetup {
  port: MessagePort;
  state: Int32Array;
}

/** Turns any thrown value into data that survives structured cloning. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof ProxmoxError) return error.toJSON() as SerializedError;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(error) };
}

/** Rebuilds the error class from its `code`; fields such as statusCode, errors, upid come along. */
export function rebuildError(data: SerializedError): Error {
  const Class = ERROR_CLASSES[data.code as ErrorCode] as
    | (new (
        message: string,
        options: never,
      ) => ProxmoxError)
    | undefined;
  if (Class !== undefined) {
    const { name: _n, code: _c, message, ...fields } = data;
    return new Class(message, fields as never);
  }
  const error = new Error(data.message);
  error.name = data.name;
  if (data.code !== undefined) Object.assign(error, { code: data.code });
  return error;
}

/**
 * The worker's entry. It runs the whole async client, so in sources it sits with the client
 * in `src/sdk/` (the sync layer must not import the client it wraps); built, every entry is
 * a file of `dist/` beside this chunk, as `.js` or `.cjs`.
 */
function workerEntry(): { url: URL; typescript: boolean } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return { url: new URL('../sdk/sync-worker.ts', here), typescript: true };
  return { url: new URL(`./sync-worker.${here.endsWith('.cjs') ? 'cjs' : 'js'}`, here), typescript: false };
}

/**
 * tsx's ESM register API, for running the worker from TypeScript sources (tests, tsx scripts).
 * Found through tsx's package.json: `import.meta.resolve` would break the CJS build, and
 * `require.resolve('tsx/esm/api')` answers the CJS flavour, which cannot be imported.
 */
function tsxApi(): string {
  const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
  return pathToFileURL(join(dirname(pkg), 'dist/esm/api/index.mjs')).href;
}

export class SyncChannel {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #state: Int32Array;
  #nextId = 1;
  #closed = false;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    this.#state = new Int32Array(new SharedArrayBuffer(4));
    const setup: WorkerSetup = { port: port2, state: this.#state };
    const entry = workerEntry();
    const options = { workerData: setup, transferList: [port2] };
    if (entry.typescript) {
      // Workers ignore `--import tsx` for their own entry on Node 20: register tsx first, then import.
      const code =
        `import(${JSON.stringify(tsxApi())}).then((m) => { m.register(); return import(${JSON.stringify(entry.url.href)}); })` +
        '.catch((e) => { console.error(e); process.exit(1); });';
      this.#worker = new Worker(code, { ...options, eval: true });
    } else {
      this.#worker = new Worker(fileURLToPath(entry.url), options);
    }
    // A script that forgets close() must still be able to exit.
    this.#worker.unref();
    this.#port.unref();
  }

  /** Sends one request and blocks this thread until the worker answers. */
  call(op: string, args: unknown[]): unknown {
    if (this.#closed) throw new ConnectionError('this sync client is closed');
    const id = this.#nextId++;
    Atomics.store(this.#state, 0, WAITING);
    this.#port.postMessage({ id, op, args } satisfies WorkerRequest);
    for (;;) {
      Atomics.wait(this.#state, 0, WAITING, WAKE_MS);
      const received = receiveMessageOnPort(this.#port) as { message: WorkerReply } | undefined;
      if (received !== undefined) {
        const reply = received.message;
        if (reply.id !== id) continue;
        if (reply.ok) return reply.value;
        throw rebuildError(reply.error);
      }
      if (Atomics.load(this.#state, 0) === GONE) {
        this.#closed = true;
        throw new ConnectionError('the sync client worker exited');
      }
      if (Atomics.load(this.#state, 0) === ANSWERED) Atomics.store(this.#state, 0, WAITING);
    }
  }

  /** Ends the worker (after the caller's last call returned). */
  terminate(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#port.close();
    void this.#worker.terminate();
  }
}

export const CHANNEL_STATES = { WAITING, ANSWERED, GONE } as const;
