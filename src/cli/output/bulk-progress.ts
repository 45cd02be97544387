/**
 * The progress of a bulk operation on stderr. On a terminal: each finished item as a line,
 * and below them one bar that redraws itself (`[######------]  5/12  1 failed  3.2s`); the
 * bar is cut to the terminal width. Elsewhere (a pipe, a log file, CI): only the lines, so
 * a log reads in order without control characters. stdout holds the results table.
 */

export interface ItemLine {
  ok: boolean;
  /** `start 101 web-01 on pve1`. */
  label: string;
  /** `started`, `already running`, or the error. */
  outcome: string;
  ms: number;
}

export interface BulkProgressOptions {
  /** What is done to each item (`start`), for the bar. */
  action: string;
  total: number;
  tty: boolean;
  utf8: boolean;
  /** Terminal width (the bar never wraps). */
  columns?: number;
  stream?: NodeJS.WritableStream;
}

const CLEAR = '\r\x1b[2K';
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export class BulkProgressView {
  readonly #o: BulkProgressOptions;
  readonly #out: NodeJS.WritableStream;
  readonly #started = Date.now();
  #done = 0;
  #failed = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(o: BulkProgressOptions) {
    this.#o = o;
    this.#out = o.stream ?? process.stderr;
    if (o.tty) {
      this.#draw();
      // The elapsed time moves even while every item in flight still runs.
      this.#timer = setInterval(() => this.#draw(), 250);
      this.#timer.unref();
    }
  }

  /** One item finished: its line, then the bar again. */
  item(line: ItemLine): void {
    this.#done++;
    if (!line.ok) this.#failed++;
    const mark = line.ok
      ? this.#o.tty && this.#o.utf8
        ? '✓'
        : 'ok  '
      : this.#o.tty && this.#o.utf8
        ? '✗'
        : 'FAIL';
    const text = `${mark} ${line.label}: ${line.outcome} (${seconds(line.ms)})`;
    if (this.#o.tty) {
      this.#out.write(`${CLEAR}${text}\n`);
      this.#draw();
    } else this.#out.write(`${text}\n`);
  }

  /** The last word: the bar goes, a summary line stays. */
  finish(summary: string): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#out.write(`${this.#o.tty ? CLEAR : ''}${summary} (${seconds(Date.now() - this.#started)})\n`);
  }

  /** The bar: `[####----]  3/8  1 failed  2.0s  start`, as wide as the terminal allows. */
  bar(width = this.#o.columns ?? 80): string {
    const { total, action } = this.#o;
    const tail = `  ${this.#done}/${total}${this.#failed > 0 ? `  ${this.#failed} failed` : ''}  ${seconds(Date.now() - this.#started)}  ${action}`;
    const room = Math.max(10, Math.min(40, width - tail.length - 3));
    const filled = total === 0 ? room : Math.round((this.#done / total) * room);
    const [full, empty] = this.#o.utf8 ? ['█', '░'] : ['#', '-'];
    return `[${full.repeat(filled)}${empty.repeat(room - filled)}]${tail}`.slice(0, Math.max(1, width - 1));
  }

  #draw(): void {
    this.#out.write(`${CLEAR}${this.bar()}`);
  }
}
