/**
 * Tasks: long work answers at once with a UPID and runs in the background (PROTOCOL.md).
 * `px.tasks.wait(upid)` polls its status until it stops, `px.tasks.log(upid)` follows its log.
 *
 * A task that ends with `OK` succeeded. PBS and PMG also end with `WARNINGS: n` when the work
 * was done but logged warnings: that counts as success, and `warnings` on the result says how many.
 * Anything else is the error text, thrown as TaskFailedError with the log's last lines.
 */

import type { Pipeline } from '../client/pipeline.js';
import { encodeSegment } from '../core/encode.js';
import { AbortError, TaskFailedError, TimeoutError } from '../core/errors.js';
import { Backoff, poll } from '../core/poll.js';
import { sleep } from '../core/sleep.js';
import { isUpid, parseUpid, type Upid } from '../core/upid.js';
import type { CallOptions, TaskStatus, WaitOptions } from '../options/call-options.js';
import { LOG_PAGE, LogCursor, type LogLine, type LogPageReader } from './task-log.js';

export { isUpid, parseUpid, type Upid } from '../core/upid.js';

/** The final status of a task that succeeded. */
export interface TaskResult extends TaskStatus {
  exitstatus: string;
  /** Number of warnings when the task ended with `WARNINGS: n`, else 0. */
  warnings: number;
}

export interface LogOptions {
  signal?: AbortSignal;
  /** Keep reading until the task stops. @default true */
  follow?: boolean;
  /** Lines to skip at the beginning. @default 0 */
  start?: number;
}

const POLL_FIRST = 100;
const POLL_CAP = 2_000;
/** Lines of the log a TaskFailedError carries. */
const FAILURE_TAIL = 20;

/** Where a task's status and log live: on its node, or (PDM) below its remote. */
export function taskPath(upid: Upid): string {
  const id = encodeSegment(upid.upid);
  if (upid.remote !== undefined) {
    // PDM proxies remote tasks; the inner UPID's layout tells a PBS remote from a PVE one.
    const kind = upid.format === 'pbs' ? 'pbs' : 'pve';
    return `/${kind}/remotes/${encodeSegment(upid.remote)}/tasks/${id}`;
  }
  return `/nodes/${encodeSegment(upid.node)}/tasks/${id}`;
}

/** `OK` and `WARNINGS: n` are success; answers the warning count, or undefined for a failure. */
export function successWarnings(exitstatus: string | undefined): number | undefined {
  if (exitstatus === undefined) return undefined;
  const text = exitstatus.trim();
  if (text === 'OK') return 0;
  const warn = /^WARNINGS:\s*(\d+)$/i.exec(text);
  return warn ? Number(warn[1]) : undefined;
}

export class TaskHelper {
  readonly #client: Pipeline;

  constructor(client: Pipeline) {
    this.#client = client;
  }

  /** Parses a UPID (same as the exported parseUpid). */
  parse(upid: string): Upid {
    return parseUpid(upid);
  }

  /** `GET .../tasks/{upid}/status`. */
  async status(upid: string, options: CallOptions = {}): Promise<TaskStatus> {
    const path = `${taskPath(parseUpid(upid))}/status`;
    return (await this.#client.call({ method: 'GET', path, options: plain(options) })) as TaskStatus;
  }

  /** Asks the node to stop a running task (`DELETE .../tasks/{upid}`). */
  async stop(upid: string, options: CallOptions = {}): Promise<void> {
    await this.#client.call({ method: 'DELETE', path: taskPath(parseUpid(upid)), options: plain(options) });
  }

  /**
   * Waits until the task stops. Resolves to its final status when it succeeded; throws
   * TaskFailedError when it failed, TimeoutError after `timeout` ms (the task keeps running),
   * AbortError when `signal` fires (the task keeps running too).
   */
  async wait(upid: string, options: WaitOptions = {}): Promise<TaskResult> {
    const parsed = parseUpid(upid);
    const base = taskPath(parsed);
    const cursor = options.onLog === undefined ? undefined : new LogCursor(this.#pageReader(base));
    const check = async (signal: AbortSignal): Promise<TaskResult | undefined> => {
      const call: CallOptions = { signal };
      const status = await this.#readStatus(base, call);
      const stopped = status.status !== 'running';
      if (cursor) for (const line of await cursor.drain(stopped, call)) options.onLog!(line);
      options.onProgress?.(status);
      return stopped ? await this.#finish(parsed, base, status, call) : undefined;
    };
    return poll(
      check,
      { signal: options.signal, timeout: options.timeout, interval: POLL_FIRST },
      {
        what: `task ${upid}`,
        timeout: () =>
          new TimeoutError(
            `task ${upid} is still running after ${options.timeout} ms; it was left running ` +
              '(px.tasks.status(upid) checks it, px.tasks.stop(upid) stops it)',
            { path: `${base}/status` },
          ),
        aborted: (reason) =>
          new AbortError(`waiting for task ${upid} was aborted; the task keeps running`, { cause: reason }),
        // The task ended in failure: that answer is worth more than the abort that came meanwhile.
        keep: (error) => error instanceof TaskFailedError,
      },
    );
  }

  /**
   * The task's log lines as they appear, once each and in order; with `follow` (the default)
   * it ends when the task has stopped and its last line was read.
   */
  async *log(upid: string, options: LogOptions = {}): AsyncGenerator<string, void, undefined> {
    const base = taskPath(parseUpid(upid));
    const call: CallOptions = options.signal === undefined ? {} : { signal: options.signal };
    const cursor = new LogCursor(this.#pageReader(base), options.start ?? 0);
    if (options.follow === false) {
      yield* await cursor.drain(true, call);
      return;
    }
    const backoff = new Backoff(POLL_FIRST, POLL_CAP);
    for (;;) {
      // Status first, then the log: lines read after seeing "stopped" are the final ones.
      const status = await this.#readStatus(base, call);
      const stopped = status.status !== 'running';
      const lines = await cursor.drain(stopped, call);
      yield* lines;
      if (stopped) return;
      if (lines.length > 0) backoff.reset();
      await sleep(backoff.next(), options.signal);
    }
  }

  /** The last `count` lines of a task's log. */
  async tail(upid: string, count = FAILURE_TAIL, options: CallOptions = {}): Promise<string[]> {
    return this.#tail(taskPath(parseUpid(upid)), count, plain(options));
  }

  async #readStatus(base: string, call: CallOptions): Promise<TaskStatus> {
    return (await this.#client.call({ method: 'GET', path: `${base}/status`, options: call })) as TaskStatus;
  }

  async #finish(upid: Upid, base: string, status: TaskStatus, call: CallOptions): Promise<TaskResult> {
    const exitstatus = typeof status.exitstatus === 'string' ? status.exitstatus : 'unknown';
    const warnings = successWarnings(exitstatus);
    if (warnings !== undefined) return { ...status, exitstatus, warnings };
    const log = await this.#tail(base, FAILURE_TAIL, call).catch(() => [] as string[]);
    throw new TaskFailedError(`task ${upid.type}${upid.id ? ` ${upid.id}` : ''} failed: ${exitstatus}`, {
      upid: upid.upid,
      exitStatus: exitstatus,
      log,
      method: 'GET',
      path: `${base}/status`,
    });
  }

  async #tail(base: string, count: number, call: CallOptions): Promise<string[]> {
    const read = this.#pageReader(base);
    const first = await read(0, LOG_PAGE, call);
    let lines = first.lines;
    // With a total, read just the end; without one, page through and keep the end.
    if (first.total !== undefined && first.total > lines.length) {
      lines = (await read(Math.max(0, first.total - count), count, call)).lines;
    } else {
      let start = lines.length;
      while (lines.length > 0 && lines.length % LOG_PAGE === 0 && start < LOG_PAGE * 20) {
        const page = (await read(start, LOG_PAGE, call)).lines;
        if (page.length === 0) break;
        lines = [...lines.slice(-count), ...page];
        start += page.length;
      }
    }
    return lines.slice(-count).map((l) => l.t);
  }

  #pageReader(base: string): LogPageReader {
    return async (start, limit, call) => {
      const envelope = (await this.#client.call({
        method: 'GET',
        path: `${base}/log`,
        params: { start, limit },
        options: { ...call, envelope: true },
      })) as { data?: unknown; total?: unknown };
      const lines = Array.isArray(envelope?.data) ? (envelope.data as LogLine[]) : [];
      const total = typeof envelope?.total === 'number' ? envelope.total : undefined;
      return { lines, total };
    };
  }
}

/** Waits for `result` when it is a UPID and `wait` asks for it; for `.post(params, { wait: true })`. */
export async function waitIfTask(
  tasks: TaskHelper,
  result: unknown,
  wait: CallOptions['wait'],
): Promise<unknown> {
  if (wait === undefined || wait === false || !isUpid(result)) return result;
  return tasks.wait(result, wait === true ? {} : wait);
}

/** Call options for the requests a helper makes: the caller's signal and timeout, nothing else. */
function plain(options: CallOptions): CallOptions {
  return {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
  };
}
