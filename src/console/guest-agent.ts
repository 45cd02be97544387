/**
 * `px.agent(node, vmid)`: the QEMU guest agent through the API (qemu-server
 * PVE/API2/Qemu/Agent.pm). `exec` sends the command as a list (`command` repeated once per
 * argument, as PVE takes an array) and polls `exec-status` until the process exits;
 * files move as base64 (`decode=0` / `encode=0`) so that binary content survives JSON.
 */
import type { Pipeline } from '../client/pipeline.js';
import { InvalidArgumentError, isResourceException, TimeoutError } from '../core/errors.js';
import { sleep } from '../core/sleep.js';
import type { HttpMethod, Params } from '../core/types.js';

export interface ExecOptions {
  /** Given to the process as stdin (`input-data`, at most 64 KiB). */
  input?: string;
  /** How long to wait for the process to exit, in ms (default 60 000). */
  timeoutMs?: number;
  /** Pause between exec-status polls, in ms (default 100). */
  pollMs?: number;
  signal?: AbortSignal;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Set when the process ended by a signal (or, on Windows, an exception code). */
  signal?: number;
  /** The agent kept only the start of the output. */
  truncated: boolean;
}

/** file-write's `content` limit (maxLength 60 KiB), which applies to the base64 text. */
const MAX_WRITE_BASE64 = 60 * 1024;

interface ExecStatus {
  exited?: number | boolean;
  exitcode?: number;
  signal?: number;
  'out-data'?: string;
  'err-data'?: string;
  'out-truncated'?: number | boolean;
  'err-truncated'?: number | boolean;
}

export class GuestAgent {
  readonly #base: string;
  readonly #pipeline: Pipeline;

  constructor(pipeline: Pipeline, node: string, vmid: number) {
    if (!Number.isInteger(vmid) || vmid < 100) throw new InvalidArgumentError(`not a VMID: ${vmid}`);
    this.#pipeline = pipeline;
    this.#base = `/nodes/${encodeURIComponent(node)}/qemu/${vmid}/agent`;
  }

  #call(method: HttpMethod, command: string, params: Params, signal: AbortSignal | undefined) {
    const options = signal === undefined ? {} : { signal };
    return this.#pipeline.call({ method, path: `${this.#base}/${command}`, params, options });
  }

  /** Runs a program with arguments (no shell) and waits for it. A non-zero exit is a result, not an error. */
  async exec(command: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (command.length === 0 || command.some((a) => typeof a !== 'string'))
      throw new InvalidArgumentError('exec: command must be a non-empty list of strings');
    const params: Record<string, string | string[]> = { command: [...command] };
    if (options.input !== undefined) params['input-data'] = options.input;
    const { pid } = (await this.#call('POST', 'exec', params, options.signal)) as { pid: number };
    const timeoutMs = options.timeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = (await this.#call('GET', 'exec-status', { pid }, options.signal)) as ExecStatus;
      if (s.exited === 1 || s.exited === true) {
        const result: ExecResult = {
          exitCode: s.exitcode ?? -1,
          stdout: s['out-data'] ?? '',
          stderr: s['err-data'] ?? '',
          truncated: Boolean(s['out-truncated']) || Boolean(s['err-truncated']),
        };
        if (s.signal !== undefined) result.signal = s.signal;
        return result;
      }
      if (Date.now() >= deadline)
        throw new TimeoutError(`exec: ${command[0]} (pid ${pid}) did not exit within ${timeoutMs} ms`);
      await sleep(options.pollMs ?? 100, options.signal);
    }
  }

  /** Waits until the agent answers a ping (after a start it takes the guest a while to boot). */
  async waitReady(
    options: { timeoutMs?: number; pollMs?: number; signal?: AbortSignal } = {},
  ): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 120_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.#call('POST', 'ping', {}, options.signal);
        return;
      } catch (error) {
        // 500 "QEMU guest agent is not running" (or "VM is not running" during a start) means: not yet.
        if (!isResourceException(error) || error.statusCode !== 500) throw error;
        // "No QEMU guest agent configured" never changes by waiting (assert_agent_available in
        // qemu-server PVE/QemuServer/Agent.pm checks the config first): fail at once.
        if (/no qemu guest agent configured/i.test(error.statusMessage)) throw error;
        if (Date.now() >= deadline)
          throw new TimeoutError(
            `the guest agent did not answer within ${timeoutMs} ms: ${error.statusMessage}`,
          );
      }
      await sleep(options.pollMs ?? 500, options.signal);
    }
  }

  /** The file's bytes (asked for as base64, `decode=0`, so binary content survives). */
  async readFile(path: string, options: { signal?: AbortSignal } = {}): Promise<Buffer> {
    const params = { file: path, decode: 0 };
    const r = (await this.#call('GET', 'file-read', params, options.signal)) as { content: string };
    return Buffer.from(r.content, 'base64');
  }

  /** Replaces the file (file-write always truncates); up to 45 KiB, the API's limit after base64. */
  async writeFile(
    path: string,
    data: string | Uint8Array,
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    const content = Buffer.from(data).toString('base64');
    if (content.length > MAX_WRITE_BASE64)
      throw new InvalidArgumentError(
        `writeFile: ${Buffer.byteLength(data)} bytes is more than file-write takes (60 KiB of base64, 46 080 bytes)`,
      );
    await this.#call('POST', 'file-write', { file: path, content, encode: 0 }, options.signal);
  }
}
