/**
 * The blocking facade: `ProxmoxSDK.sync(options)` gives the fluent API with calls that
 * return their result instead of a promise, for plain scripts:
 *
 * ```ts
 * using px = ProxmoxSDK.sync({ host, user, tokenName, tokenValue });
 * for (const node of px.nodes.get()) console.log(node.node, px.nodes(node.node).status.get());
 * ```
 *
 * Each sync client owns a worker thread running the async client (src/sync/sync-channel.ts);
 * a call blocks this thread until the worker answers. Errors are the same classes (rebuilt
 * from their `code`). What cannot cross threads is refused up front: functions (`onTfa`,
 * `onLog`, `onProgress`), AbortSignals and a shared simulator `engine`.
 * Costs: starting the worker (tens of ms from the built package) and a fraction of a
 * millisecond per call (bench/sync-cost.ts).
 */

import { pathNode } from '../client/path.js';
import { InvalidArgumentError } from '../core/errors.js';
import type { ServiceName } from '../core/services.js';
import type { HttpMethod, Params } from '../core/types.js';
import type { Upid } from '../core/upid.js';
import { parseUpid } from '../core/upid.js';
import type { DownloadUrlOptions, FileResult, UploadOptions } from '../files/files.js';
import type { CallOptions, TaskStatus, WaitOptions } from '../options/call-options.js';
import type { ProxmoxOptions } from '../options/options.js';
import { resolveOptions } from '../options/resolve.js';
import type { TaskResult } from '../tasks/tasks.js';
import type { ApiRoot, SyncCalls } from '../typed/api.js';
import { SyncChannel } from './sync-channel.js';

export type SyncCallOptions = Omit<CallOptions, 'signal' | 'wait'> & {
  wait?: boolean | Omit<WaitOptions, 'signal' | 'onLog' | 'onProgress'>;
};

export interface SyncTasks {
  wait(upid: string, options?: { timeout?: number }): TaskResult;
  status(upid: string): TaskStatus;
  stop(upid: string): void;
  /** Every log line, following the task until it stops (or what is there, with `follow: false`). */
  log(upid: string, options?: { follow?: boolean; start?: number }): string[];
  parse(upid: string): Upid;
}

export interface SyncFiles {
  upload(
    options: Omit<UploadOptions, 'onProgress' | 'signal' | 'wait'> & {
      wait?: boolean | { timeout?: number };
    },
  ): FileResult;
  downloadUrl(
    options: Omit<DownloadUrlOptions, 'signal' | 'wait'> & { wait?: boolean | { timeout?: number } },
  ): FileResult;
  downloadTo(route: string, params: Params | undefined, file: string): number;
}

/** What a sync client has besides the API paths (which answer values, not promises). */
export interface SyncClientCore {
  readonly service: ServiceName;
  request<T = any>(route: string, params?: Params, options?: SyncCallOptions): T;
  readonly tasks: SyncTasks;
  readonly files: SyncFiles;
  /** Logs in now (checks a token with one call). */
  login(): void;
  /** Closes the connections and ends the worker. */
  close(): void;
  [Symbol.dispose](): void;
}

/** A sync client: the service's typed path tree with blocking verbs, plus the core members. */
export type SyncClient<S extends ServiceName = 'PVE'> = SyncClientCore & ApiRoot<S, SyncCalls>;

/** Refuses what cannot be cloned to the worker, naming where it was. */
function cloneable(value: unknown, where: string): unknown {
  if (typeof value === 'function') {
    throw new InvalidArgumentError(
      `${where}: functions cannot be used with ProxmoxSDK.sync(); use the async client`,
    );
  }
  if (value instanceof AbortSignal) {
    throw new InvalidArgumentError(`${where}: an AbortSignal cannot be used with ProxmoxSDK.sync()`);
  }
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map((v, i) => cloneable(v, `${where}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneable(v, `${where}.${k}`)]));
  }
  return value;
}

function checkOptions(options: ProxmoxOptions): ProxmoxOptions {
  if (options?.engine !== undefined) {
    throw new InvalidArgumentError(
      'option engine: a simulator engine cannot be shared with ProxmoxSDK.sync()',
    );
  }
  if (options?.onTfa !== undefined) {
    throw new InvalidArgumentError('option onTfa: use otp or totpSecret with ProxmoxSDK.sync()');
  }
  // Checked here too, so that option errors are thrown before a worker starts.
  resolveOptions(options);
  return cloneable(options, 'option') as ProxmoxOptions;
}

export function createSyncClient<S extends ServiceName = 'PVE'>(options: ProxmoxOptions<S>): SyncClient<S> {
  const clean = checkOptions(options as ProxmoxOptions);
  const channel = new SyncChannel();
  let service: ServiceName;
  try {
    service = channel.call('init', [clean]) as ServiceName;
  } catch (error) {
    channel.terminate();
    throw error;
  }
  let closed = false;
  const call = (op: string, ...args: unknown[]) =>
    channel.call(
      op,
      args.map((a, i) => cloneable(a, `argument ${i + 1}`)),
    );

  const invoke = (method: HttpMethod, path: string, params?: Params, callOptions?: SyncCallOptions) =>
    call('invoke', method, path, params, callOptions);
  const root = pathNode('', invoke as never) as Record<string, unknown>;

  const close = () => {
    if (closed) return;
    closed = true;
    try {
      channel.call('close', []);
    } finally {
      channel.terminate();
    }
  };
  const tasks: SyncTasks = {
    wait: (upid, o) => call('tasks.wait', upid, o) as TaskResult,
    status: (upid) => call('tasks.status', upid) as TaskStatus,
    stop: (upid) => void call('tasks.stop', upid),
    log: (upid, o) => call('tasks.log', upid, o) as string[],
    parse: parseUpid,
  };
  const files: SyncFiles = {
    upload: (o) => call('files.upload', o) as FileResult,
    downloadUrl: (o) => call('files.downloadUrl', o) as FileResult,
    downloadTo: (route, params, file) => call('files.downloadTo', route, params, file) as number,
  };
  const core: SyncClientCore = {
    get service() {
      return service;
    },
    request: (route, params, o) => call('request', route, params, o) as never,
    tasks,
    files,
    login: () => void call('login'),
    close,
    [Symbol.dispose]: close,
  };
  return new Proxy(core as SyncClient<S>, {
    get(target, key) {
      if (key in target) return Reflect.get(target, key);
      return root[key as string];
    },
    has: (target, key) => key in target,
    set: () => false,
  });
}
