/**
 * Reading a task log (`GET .../tasks/{upid}/log?start=N&limit=M`, lines `{n, t}`) without
 * repeats or gaps, also while the task still writes it.
 *
 * Two Proxmox quirks shape this:
 * - An empty log is answered with one made-up line `{n: 1, t: 'no content'}` (pve-common's
 *   dump_logfile, for ExtJS). Counting it would skip the real first line later, so while
 *   the task runs that answer means "nothing yet".
 * - The server reads the file as it is being written, so the last line of a running task
 *   can be half written. It is held back until a later line exists or the task stopped.
 */
import type { CallOptions } from '../options/call-options.js';

export interface LogLine {
  /** 1-based line number. */
  n: number;
  t: string;
}

/** Reads one page of lines starting after `start` lines; `total` if the server said. */
export type LogPageReader = (
  start: number,
  limit: number,
  options: CallOptions,
) => Promise<{ lines: LogLine[]; total: number | undefined }>;

export const LOG_PAGE = 500;

export class LogCursor {
  /** Lines handed out so far; the next read starts here. */
  #consumed = 0;
  readonly #read: LogPageReader;

  constructor(read: LogPageReader, start = 0) {
    this.#read = read;
    this.#consumed = start;
  }

  get consumed(): number {
    return this.#consumed;
  }

  /**
   * Every line that is complete now, in order. `stopped` says the task has ended (its
   * log is final), so nothing is held back.
   */
  async drain(stopped: boolean, options: CallOptions = {}): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      const { lines, total } = await this.#read(this.#consumed, LOG_PAGE, options);
      const fresh = lines
        .filter((l) => typeof l?.n === 'number' && l.n > this.#consumed)
        .sort((a, b) => a.n - b.n);
      if (isPlaceholder(lines, this.#consumed)) return out;
      let taken = 0;
      for (const line of fresh) {
        // A gap means the page was cut short (or lines were numbered oddly): read again from there.
        if (line.n !== this.#consumed + 1) break;
        out.push(line.t ?? '');
        this.#consumed++;
        taken++;
      }
      // Servers may answer fewer lines than asked for: go on until nothing new comes, or
      // (cheaper) until the total the server reported has been read.
      if (taken === 0 || (total !== undefined && this.#consumed >= total)) break;
    }
    if (!stopped && out.length > 0) {
      // Hold back the newest line of a running task: it may be half written.
      out.pop();
      this.#consumed--;
    }
    return out;
  }
}

function isPlaceholder(lines: LogLine[], consumed: number): boolean {
  return consumed === 0 && lines.length === 1 && lines[0]?.n === 1 && lines[0]?.t === 'no content';
}
