/**
 * A child process that speaks one JSON object per line: its first stdout line announces
 * it is ready (and what it is), then each request written to stdin gets one answer line.
 * The simulator and every measured client run this way, so none of them shares an event
 * loop (or a TLS setting such as NODE_TLS_REJECT_UNAUTHORIZED) with another.
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
  readonly #queue: Array<{ resolve: (v: unknown) => void; reject: (e: Error) => void }> = [];
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
    this.ready = new Promise<Ready>((resolve, reject) =>
      this.#queue.push({ resolve: resolve as never, reject }),
    );
    const lines = createInterface({ input: this.#child.stdout! });
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      const waiter = this.#queue.shift();
      if (waiter === undefined) return;
      const message = JSON.parse(line) as { error?: string };
      if (typeof message.error === 'string') waiter.reject(new Error(message.error));
      else waiter.resolve(message);
    });
    this.#child.on('exit', (code, signal) => {
      this.#exited = new Error(
        `${spec.args.at(-1) ?? spec.command} exited (${signal ?? code}): ${this.#stderr.join('').slice(-1500)}`,
      );
      for (const waiter of this.#queue.splice(0)) waiter.reject(this.#exited);
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Sends one request and waits for its answer (answers come back in order). */
  call<T = unknown>(message: object): Promise<T> {
    if (this.#exited) return Promise.reject(this.#exited);
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ resolve: resolve as never, reject });
      this.#child.stdin!.write(`${JSON.stringify(message)}\n`);
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
