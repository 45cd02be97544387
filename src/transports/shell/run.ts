/**
 * The request flow the three shell backends share: stage an upload, build the argv, run
 * it through the backend's executor, classify sudo and missing-tool failures, parse output.
 * Backends only know how to run an argv and how to put a file on the host.
 */
import { randomBytes } from 'node:crypto';
import { Transform } from 'node:stream';
import { AbortError, AuthenticationError, ConnectionError, TimeoutError } from '../../core/errors.js';
import type { ServiceInfo } from '../../core/services.js';
import type { TransportRequest, TransportResponse, UploadPart } from '../transport.js';
import type { ChannelLimiter } from './channel-limiter.js';
import { buildShellArgv } from './command.js';
import { parseShellOutput, type ShellResult } from './output.js';

export interface ExecControl {
  signal?: AbortSignal | undefined;
  /** Milliseconds until the run is killed and a TimeoutError thrown. */
  timeout: number;
  /** `GET /nodes`: names the call in timeout and abort messages. */
  label: string;
}

export type ShellExecutor = (argv: string[], control: ExecControl) => Promise<ShellResult>;

/** Puts the upload on the host at `remotePath` (created 0600, exclusively) and reports progress. */
export type UploadStager = (part: UploadPart, remotePath: string, control: ExecControl) => Promise<void>;
/** Removes a staged file; missing is fine (pvesh's upload task deletes it on success). */
export type UploadRemover = (remotePath: string) => Promise<void>;

export interface ShellRunContext {
  service: ServiceInfo;
  sudo: boolean;
  defaultTimeout: number;
  /** Where the host is, for messages: `user@host:port` or `localhost`. */
  where: string;
  exec: ShellExecutor;
  stage: UploadStager;
  remove: UploadRemover;
}

/**
 * pvesh's upload takes the file from `tmpfilename`, whose schema only admits
 * `/var/tmp/pveupload-[0-9a-f]+` (pve-storage, API2/Storage/Status.pm).
 */
export function uploadTempPath(): string {
  return `/var/tmp/pveupload-${randomBytes(16).toString('hex')}`;
}

const SUDO_REFUSED = /^sudo: .*(password is required|not allowed|not in the sudoers|a terminal is required)/m;

function classify(result: ShellResult, ctx: ShellRunContext, argv: string[], req: TransportRequest): void {
  const where = { method: req.method, path: req.path };
  if (ctx.sudo && result.exitCode === 1 && SUDO_REFUSED.test(result.stderr)) {
    const line = SUDO_REFUSED.exec(result.stderr)![0];
    throw new AuthenticationError(
      `sudo -n refused to run ${ctx.service.shell![0]} on ${ctx.where} (${line.trim()}); ` +
        'allow it without a password (NOPASSWD in sudoers) or connect as a user that may run it',
      where,
    );
  }
  const tool = argv[ctx.sudo ? 3 : 0]!;
  if (result.exitCode === 127 && /not found|No such file/i.test(result.stderr)) {
    throw new ConnectionError(
      `${tool} is not installed on ${ctx.where} (exit 127): is this a ${ctx.service.name} host?`,
      where,
    );
  }
}

/** Runs one API call through a shell tool and returns it as an HTTP-like response. */
export async function runShellRequest(
  ctx: ShellRunContext,
  req: TransportRequest,
): Promise<TransportResponse> {
  const control: ExecControl = {
    signal: req.signal,
    timeout: req.timeout ?? ctx.defaultTimeout,
    label: `${req.method} ${req.path}`,
  };
  if (req.signal?.aborted) throw new AbortError('request aborted', { method: req.method, path: req.path });
  let params = req.params;
  let staged: string | undefined;
  if (req.upload) {
    staged = uploadTempPath();
    // The other fields come first on HTTP; on a shell only the file's path is new.
    params = { ...params, [req.upload.field]: req.upload.fileName, tmpfilename: staged };
  }
  try {
    if (req.upload && staged) await ctx.stage(req.upload, staged, control);
    const argv = buildShellArgv(
      ctx.service,
      { method: req.method, path: req.path, params },
      { sudo: ctx.sudo },
    );
    const result = await ctx.exec(argv, control);
    classify(result, ctx, argv, req);
    return parseShellOutput(result);
  } finally {
    if (staged) await ctx.remove(staged).catch(() => undefined);
  }
}

/**
 * Runs `fn` once `limiter` has a free slot. Waiting counts against the call's timeout and
 * the caller's signal; `fn` gets what is left of the timeout.
 */
export async function withSlot<T>(
  limiter: ChannelLimiter,
  control: ExecControl,
  fn: (control: ExecControl) => Promise<T>,
): Promise<T> {
  const started = Date.now();
  const expiry = AbortSignal.timeout(control.timeout);
  const signal = control.signal ? AbortSignal.any([control.signal, expiry]) : expiry;
  let release: () => void;
  try {
    release = await limiter.acquire(signal);
  } catch {
    const [method, path] = control.label.split(' ');
    const opts = { ...(method ? { method } : {}), ...(path ? { path } : {}) };
    if (control.signal?.aborted) throw new AbortError(`${control.label} aborted`, opts);
    throw new TimeoutError(
      `${control.label} timed out after ${control.timeout} ms waiting for a free slot`,
      opts,
    );
  }
  try {
    return await fn({ ...control, timeout: Math.max(1, control.timeout - (Date.now() - started)) });
  } finally {
    release();
  }
}

/** Calls in flight, so that close() can let them finish before it ends connections. */
export class InFlight {
  readonly #calls = new Set<Promise<unknown>>();

  track<T>(p: Promise<T>): Promise<T> {
    this.#calls.add(p);
    const forget = () => this.#calls.delete(p);
    p.then(forget, forget);
    return p;
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.#calls]);
  }
}

/**
 * Arms the timeout and the caller's signal for one run; `kill` ends whatever runs.
 * Returns the error to reject with once it fires, and a disarm function.
 */
export function armDeadline(
  control: ExecControl,
  kill: (reason: 'timeout' | 'abort') => void,
): { fired: () => Error | undefined; disarm: () => void } {
  let error: Error | undefined;
  const [method, path] = control.label.split(' ');
  const opts = { ...(method ? { method } : {}), ...(path ? { path } : {}) };
  const timer = setTimeout(() => {
    error = new TimeoutError(`${control.label} timed out after ${control.timeout} ms`, opts);
    kill('timeout');
  }, control.timeout);
  const onAbort = () => {
    error = new AbortError(`${control.label} aborted`, opts);
    kill('abort');
  };
  if (control.signal?.aborted) onAbort();
  control.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    fired: () => error,
    disarm: () => {
      clearTimeout(timer);
      control.signal?.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * The copy's meter: reports progress and enforces the upload timeout as an idle timeout
 * (as the https transport does), so a large file may take long but a stalled one fails.
 * The meter is destroyed with TimeoutError or AbortError; `signal` fires with it.
 */
export function uploadMeter(
  part: UploadPart,
  control: ExecControl,
): { meter: Transform; signal: AbortSignal; stop: () => void } {
  const ctl = new AbortController();
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      sent += chunk.length;
      part.onProgress?.(sent, part.size);
      arm();
      done(null, chunk);
    },
  });
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  const fail = (error: Error) => {
    if (ctl.signal.aborted) return;
    ctl.abort(error);
    meter.destroy(error);
  };
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(
      () => fail(new TimeoutError(`upload of ${part.fileName} stalled for ${control.timeout} ms`)),
      control.timeout,
    );
  };
  const onAbort = () => fail(new AbortError(`upload of ${part.fileName} aborted`));
  control.signal?.addEventListener('abort', onAbort, { once: true });
  arm();
  return {
    meter,
    signal: ctl.signal,
    stop: () => {
      clearTimeout(timer);
      control.signal?.removeEventListener('abort', onAbort);
    },
  };
}
