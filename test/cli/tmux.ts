/**
 * A real terminal for the console tests: a tmux server on its own socket (-L, so a
 * developer's tmux is never touched) with no config (-f /dev/null), one detached session
 * of a given size running the command, keys sent with send-keys, the screen read back with
 * capture-pane.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class Tmux {
  readonly socket = `proxmox-test-${process.pid}-${randomBytes(4).toString('hex')}`;

  async #tmux(...args: string[]): Promise<string> {
    const { stdout } = await run('tmux', ['-L', this.socket, '-f', '/dev/null', ...args]);
    return stdout;
  }

  /** Starts `command` (a shell command line) in a detached session of this size, without a status line. */
  async start(command: string, cols = 100, rows = 30): Promise<void> {
    await this.#tmux('new-session', '-d', '-s', 'test', '-x', String(cols), '-y', String(rows), command);
    await this.#tmux('set-option', '-t', 'test', 'status', 'off');
    // Keep the pane (and what it shows) after the command exits.
    await this.#tmux('set-option', '-t', 'test', 'remain-on-exit', 'on');
  }

  /** tmux key names (`Enter`, `C-]`) or, with literal, text typed as it is. */
  async keys(keys: string[], literal = false): Promise<void> {
    await this.#tmux('send-keys', '-t', 'test', ...(literal ? ['-l'] : []), ...keys);
  }

  async type(text: string): Promise<void> {
    await this.keys([text], true);
    await this.keys(['Enter']);
  }

  async screen(): Promise<string> {
    return this.#tmux('capture-pane', '-p', '-J', '-t', 'test');
  }

  async paneSize(): Promise<{ cols: number; rows: number }> {
    const [cols, rows] = (
      await this.#tmux('display-message', '-p', '-t', 'test', '#{pane_width} #{pane_height}')
    )
      .trim()
      .split(' ')
      .map(Number);
    return { cols: cols!, rows: rows! };
  }

  /** The pid of the pane's first process (the shell that runs the command). */
  async panePid(): Promise<number> {
    return Number((await this.#tmux('display-message', '-p', '-t', 'test', '#{pane_pid}')).trim());
  }

  async resize(cols: number, rows: number): Promise<void> {
    await this.#tmux('resize-window', '-t', 'test', '-x', String(cols), '-y', String(rows));
  }

  /** Waits until the screen matches; the error shows what it held instead. */
  async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await this.screen();
      if (pattern.test(text)) return text;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; the screen:\n${text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async kill(): Promise<void> {
    await this.#tmux('kill-server').catch(() => undefined);
  }
}
