/**
 * Joins the user's terminal to a remote one. On a TTY: raw mode (every key goes to the
 * remote side, Ctrl-C included), the window size sent at once and on every SIGWINCH
 * (Node's `resize` event on stdout), and the escape sequence to leave (escape.ts); the
 * terminal's mode is restored on every way out. On a pipe: input goes through untouched,
 * and its end is sent as Ctrl-D, which is what ending input at a terminal does, so that a
 * piped `echo hostname | proxmox shell pve1` ends when the remote shell reads EOF. A serial
 * console's getty never ends, so after the input's end the session also ends once the
 * output has been quiet for `quietMs` (as `nc -q` waits after EOF).
 */
import type { TerminalChannel } from './channels.js';
import { EscapeParser } from './escape.js';

export interface TerminalIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  /** Where our own notes go (the escape hint, "left the console"). */
  stderr: NodeJS.WriteStream;
}

export type SessionEnd = 'closed' | 'left';

const EOT = Buffer.from([0x04]);

/** Runs until the remote side closes ('closed') or the user types the escape sequence ('left'). */
export function runInteractive(
  channel: TerminalChannel,
  escapeKey: number | undefined,
  io: TerminalIo,
  quietMs = 2000,
): Promise<SessionEnd> {
  const { stdin, stdout } = io;
  const tty = stdin.isTTY === true;
  const parser = new EscapeParser(tty ? escapeKey : undefined);
  return new Promise<SessionEnd>((resolve, reject) => {
    let done = false;
    let quiet: NodeJS.Timeout | undefined;
    const leaveWhenQuiet = () => {
      clearTimeout(quiet);
      quiet = setTimeout(() => {
        channel.destroy();
        finish(undefined, 'left');
      }, quietMs);
    };
    const onResize = () => {
      if (stdout.columns > 0 && stdout.rows > 0) channel.resize(stdout.columns, stdout.rows);
    };
    const finish = (error: Error | undefined, end: SessionEnd) => {
      if (done) return;
      done = true;
      clearTimeout(quiet);
      stdin.off('data', onInput);
      stdin.off('end', onInputEnd);
      stdout.off('resize', onResize);
      channel.off('data', onOutput);
      if (tty) stdin.setRawMode(false);
      stdin.pause();
      if (error) reject(error);
      else resolve(end);
    };
    const onInput = (chunk: Buffer) => {
      const { forward, leave } = parser.feed(chunk);
      if (forward.length > 0) channel.write(forward);
      if (leave) {
        channel.destroy();
        finish(undefined, 'left');
      }
    };
    let inputEnded = false;
    const onInputEnd = () => {
      if (done) return;
      inputEnded = true;
      channel.write(EOT);
      leaveWhenQuiet();
    };
    const onOutput = (chunk: Buffer) => {
      stdout.write(chunk);
      if (inputEnded) leaveWhenQuiet();
    };
    channel.on('data', onOutput);
    channel.once('end', () => finish(undefined, 'closed'));
    channel.once('close', () => finish(undefined, 'closed'));
    channel.once('error', (error) => finish(error, 'closed'));
    if (tty) {
      stdin.setRawMode(true);
      stdout.on('resize', onResize);
      onResize();
    }
    stdin.on('data', onInput);
    stdin.on('end', onInputEnd);
    stdin.resume();
  });
}
