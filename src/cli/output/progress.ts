/**
 * `--wait`: follows a task to its end. On a terminal, one self-redrawing progress line
 * (spinner, task, elapsed time) on stderr with the task's log streamed above it; otherwise
 * plain log lines and a last status line. Nothing goes to stdout: that holds the result.
 */
import { parseUpid } from '../../core/upid.js';
import type { TaskStatus, WaitOptions } from '../../options/call-options.js';

/** The slice of the client that following a task needs. */
export interface TaskWaiter {
  tasks: { wait(upid: string, options?: WaitOptions): Promise<TaskStatus> };
}

export interface FollowOptions {
  /** Draw the spinner line (stderr is a terminal). */
  tty: boolean;
  utf8: boolean;
  /** Print the task log and the status line (false with --quiet). */
  verbose: boolean;
  signal?: AbortSignal;
  stream?: NodeJS.WritableStream;
}

/** `qmstart 100 on pve1` from `UPID:pve1:...:qmstart:100:root@pam:` (the SDK's parser). */
export function describeUpid(upid: string): string {
  const { type, id, node } = parseUpid(upid);
  return `${type}${id ? ` ${id}` : ''} on ${node}`;
}

const UTF8_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const ASCII_FRAMES = ['|', '/', '-', '\\'];
const CLEAR = '\r\x1b[2K';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export async function followTask(px: TaskWaiter, upid: string, o: FollowOptions): Promise<TaskStatus> {
  const out = o.stream ?? process.stderr;
  const started = Date.now();
  const label = describeUpid(upid);
  const frames = o.utf8 ? UTF8_FRAMES : ASCII_FRAMES;
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    out.write(`${CLEAR}${frames[frame++ % frames.length]} ${label}  ${seconds(Date.now() - started)}`);
  };
  if (o.verbose && o.tty) {
    draw();
    timer = setInterval(draw, 100);
  } else if (o.verbose) {
    out.write(`task ${upid}\n`);
  }
  const onLog = (line: string) => {
    if (!o.verbose) return;
    if (o.tty) {
      out.write(`${CLEAR}${line}\n`);
      draw();
    } else out.write(`${line}\n`);
  };
  const stop = (text: string) => {
    if (timer !== undefined) clearInterval(timer);
    if (!o.verbose) return;
    out.write(o.tty ? `${CLEAR}${text}\n` : `${text}\n`);
  };
  try {
    const status = await px.tasks.wait(upid, { onLog, ...(o.signal ? { signal: o.signal } : {}) });
    const exit = status.exitstatus ?? 'OK';
    stop(`${o.tty ? (o.utf8 ? '✓ ' : 'OK ') : ''}${label}: ${exit} (${seconds(Date.now() - started)})`);
    return status;
  } catch (error) {
    // The caller reports the error (and exits 5 for a failed task); just clear the line.
    if (timer !== undefined) clearInterval(timer);
    if (o.verbose && o.tty) out.write(CLEAR);
    throw error;
  }
}
