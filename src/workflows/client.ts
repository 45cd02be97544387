/**
 * What every workflow needs from a client: one loose call by route, a task wait, and the
 * caller's signal carried into both. Routes go through `px.request`, so auth, retries and
 * error decoding are the client's own.
 */
import { AbortError } from '../core/errors.js';
import type { ParamValue } from '../core/types.js';
import type { FileHelper } from '../files/files.js';
import type { CallOptions, WaitOptions } from '../options/call-options.js';
import type { TaskHelper, TaskResult } from '../tasks/tasks.js';
import { type RawRoute, type RequestFn, rawRoute } from '../typed/routes.js';

/** Parameters a workflow builds up (the client's `Params`, but writable). */
export type Params = Record<string, ParamValue>;

/**
 * The part of a PVE client the workflows use: any `new ProxmoxSDK(...)` or
 * `ProxmoxSDK.connect(...)` for PVE fits. Declared by shape, since workflows rank below sdk/.
 */
export interface PveClient {
  readonly request: RequestFn<'PVE'>;
  readonly tasks: TaskHelper;
  /** Uploads (the NoCloud ISO workflow). */
  readonly files: Pick<FileHelper, 'upload'>;
}

/** Options every workflow takes. */
export interface WorkflowOptions {
  /** Aborts the workflow: requests in flight and waits reject with AbortError. */
  signal?: AbortSignal | undefined;
}

export class WorkflowClient {
  readonly px: PveClient;
  constructor(px: PveClient) {
    this.px = px;
  }

  /** `call('GET /nodes/{node}/qemu', { node })`: placeholders are filled (and encoded) from params. */
  call<T = unknown>(route: string, params: Params = {}, options: WorkflowOptions = {}): Promise<T> {
    // Checked here as well: the mock backend throws the DOM's AbortError for a signal that
    // fired before the call, not the SDK's.
    if (options.signal?.aborted)
      return Promise.reject(
        new AbortError(`${route}: aborted by the caller`, { cause: options.signal.reason }),
      );
    const call: CallOptions = options.signal === undefined ? {} : { signal: options.signal };
    return this.px.request<T>(rawRoute(route as Parameters<typeof rawRoute>[0]) as RawRoute, params, call);
  }

  /** Waits for a task; `timeout` in ms. */
  wait(upid: string, options: WorkflowOptions & { timeout?: number | undefined } = {}): Promise<TaskResult> {
    const wait: WaitOptions = {};
    if (options.signal !== undefined) wait.signal = options.signal;
    if (options.timeout !== undefined) wait.timeout = options.timeout;
    return this.px.tasks.wait(upid, wait);
  }

  /** Starts a task by route and waits for it. */
  async task(
    route: string,
    params: Params,
    options: WorkflowOptions & { timeout?: number | undefined } = {},
  ) {
    const upid = await this.call<string>(route, params, options);
    return this.wait(upid, options);
  }
}

/** Only the signal of a caller's options, for the calls a workflow makes on its behalf. */
export function signalOf(options: WorkflowOptions): WorkflowOptions {
  return options.signal === undefined ? {} : { signal: options.signal };
}
