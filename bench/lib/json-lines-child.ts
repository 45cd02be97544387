/**
 * A child process that speaks one JSON object per line: its first stdout line announces
 * it is ready (and what it is), then each request written to stdin gets one answer line.
 * The simulator and every measured client run this way, so none of them shares an event
 * loop (or a TLS setting such as NODE_TLS_REJECT_UNAUTHORIZED) with another.
 * Requests carry an `id` that the answer echoes, so a `concurrent` request (moving a clock
 * in the middle of a load run) can be answered while a long one is still running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ChildSpec {
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
}

export class JsonLinesChild<Ready = unknown> {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  readonly #stderr: string[] = [];
  #exited: Error | undefined;
  readonly ready: Promise<Ready>;

  constructor(spec: ChildSpec) {
    this.#child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#child.stderr!.setEncoding('utf8');
    // Kept for the error message only: a child that dies should say why.
    this.#child.stderr!.on('data', (text: string) => {
      this.#stderr.push(text);
      if (this.#stderr.length > 50) this.#stderr.shift();
    });
    // The ready line has no id: it answers the request the constructor implicitly made.
    this.ready = new Promise<Ready>((resolve, reject) =>
      this.#pending.set(0, { resolve: resolve as never, reject }),
    );
    const lines = createInterface({ input: this.#child.stdout! });
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      const { id = 0, ...message } = JSON.parse(line) as { id?: number; error?: string };
      const waiter = this.#pending.get(id);
      if (waiter === undefined) return;
      this.#pending.delete(id);
      if (typeof message.error === 'string') waiter.reject(new Error(message.error));
      else waiter.resolve(message);
    });
    this.#child.on('exit', (code, signal) => {
      this.#exited = new Error(
        `${spec.args.at(-1) ?? spec.command} exited (${signal ?? code}): ${this.#stderr.join('').slice(-1500)}`,
      );
      for (const waiter of this.#pending.values()) waiter.reject(this.#exited);
      this.#pending.clear();
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /**
   * Sends one request and waits for its answer. The child runs requests one at a time,
   * except those marked `concurrent: true`, which it answers at once.
   */
  call<T = unknown>(message: object): Promise<T> {
    if (this.#exited) return Promise.reject(this.#exited);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as never, reject });
      this.#child.stdin!.write(`${JSON.stringify({ ...message, id })}\n`);
    });
  }

  /** Closes stdin (the child exits when its input ends) and waits; kills it after a grace period. */
  async close(graceMs = 3000): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.stdin!.end();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

/** Runs a TypeScript module under Node with tsx's loader, without tsx's extra wrapper process. */
export function tsNode(module: string, nodeArgs: string[] = [], args: string[] = []): ChildSpec {
  return { command: process.execPath, args: ['--import', 'tsx', ...nodeArgs, module, ...args] };
}
