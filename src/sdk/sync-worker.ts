/**
 * The worker behind `ProxmoxSDK.sync()`: holds one async client and answers requests from
 * the blocked thread (see src/sync/sync-channel.ts). Built as its own entry (`dist/sync-worker.js`).
 */
import { workerData } from 'node:worker_threads';
import { InvalidArgumentError } from '../core/errors.js';
import type { HttpMethod, Params } from '../core/types.js';
import type { CallOptions } from '../options/call-options.js';
import type { ProxmoxOptions } from '../options/options.js';
import {
  CHANNEL_STATES,
  serializeError,
  type WorkerReply,
  type WorkerRequest,
  type WorkerSetup,
} from '../sync/sync-channel.js';
import { type TaskHelper, waitIfTask } from '../tasks/tasks.js';
import { type ProxmoxClient, ProxmoxSDK } from './proxmox-sdk.js';

const { port, state } = workerData as WorkerSetup;
let client: ProxmoxClient<any> | undefined;

function need(): ProxmoxClient<any> {
  if (client === undefined) throw new InvalidArgumentError('the sync client is not initialised');
  return client;
}

async function call(route: string, params: Params | undefined, options: CallOptions | undefined) {
  const px = need();
  const result = await px.request(route, params, options);
  // `wait` is honoured here too, whether or not the client already waits by itself.
  return waitIfTask(px.tasks as TaskHelper, result, options?.wait);
}

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of iterable) lines.push(line);
  return lines;
}

const OPS: Record<string, (...args: any[]) => unknown> = {
  init: (options: ProxmoxOptions) => {
    client = new ProxmoxSDK(options);
    return need().service;
  },
  invoke: (method: HttpMethod, path: string, params?: Params, options?: CallOptions) =>
    call(`${method} ${path}`, params, options),
  request: (route: string, params?: Params, options?: CallOptions) => call(route, params, options),
  login: () => need().login(),
  /** The bare round trip, for bench/sync-cost.ts. */
  ping: () => null,
  'tasks.wait': (upid: string, options?: object) => need().tasks.wait(upid, options),
  'tasks.status': (upid: string) => need().tasks.status(upid),
  'tasks.stop': (upid: string) => (need().tasks as TaskHelper).stop(upid),
  'tasks.log': (upid: string, options?: object) => collect((need().tasks as TaskHelper).log(upid, options)),
  'files.upload': (options: never) => need().files.upload(options),
  'files.downloadUrl': (options: never) => need().files.downloadUrl(options),
  'files.downloadTo': (route: string, params: Params | undefined, file: string) =>
    need().files.downloadTo(route, params, file),
  close: async () => {
    const px = client;
    client = undefined;
    await px?.close();
    return null;
  },
};

function answer(reply: WorkerReply): void {
  port.postMessage(reply);
  // Posted first, flagged second: the woken thread finds the message already queued.
  Atomics.store(state, 0, CHANNEL_STATES.ANSWERED);
  Atomics.notify(state, 0);
}

port.on('message', async ({ id, op, args }: WorkerRequest) => {
  try {
    const handler = OPS[op];
    if (handler === undefined) throw new InvalidArgumentError(`sync client: unknown operation ${op}`);
    answer({ id, ok: true, value: await handler(...args) });
  } catch (error) {
    answer({ id, ok: false, error: serializeError(error) });
  }
});

process.on('exit', () => {
  Atomics.store(state, 0, CHANNEL_STATES.GONE);
  Atomics.notify(state, 0);
});
