/**
 * Reads a file that holds secrets or certificates, refusing anything that is not a regular
 * file. A FIFO (or a character device such as /dev/tty) as a credentials file used to hang
 * the read forever (issue 15.11). The file is opened without blocking and checked on the
 * open descriptor, so a FIFO swapped in after a `stat` cannot slip through either.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { InvalidArgumentError } from './errors.js';

// O_NONBLOCK makes opening a FIFO return at once instead of waiting for a writer (absent on Windows).
const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** Why a file was not read, in a few words (`ENOENT`, `it is a FIFO`), for callers that say it their way. */
export function unreadableReason(error: unknown): string {
  const reason = (error as { reason?: unknown }).reason;
  return typeof reason === 'string' ? reason : 'unreadable';
}

export interface RegularFile {
  info: Stats;
  bytes: Buffer;
}

function notRegular(what: string, info: Stats): InvalidArgumentError {
  const kind = info.isFIFO()
    ? 'a FIFO'
    : info.isSocket()
      ? 'a socket'
      : info.isCharacterDevice() || info.isBlockDevice()
        ? 'a device'
        : info.isDirectory()
          ? 'a directory'
          : 'not a regular file';
  return Object.assign(new InvalidArgumentError(`${what} is ${kind}; expected a regular file`), {
    reason: `it is ${kind}`,
  });
}

function cannotRead(what: string, error: NodeJS.ErrnoException): InvalidArgumentError {
  const code = error.code ?? 'unreadable';
  return Object.assign(new InvalidArgumentError(`${what}: cannot read it (${code})`), { reason: code });
}

/** `what` names the file in messages (e.g. `credentials /path`); `check` may refuse it by its stats. */
export async function readRegularFile(
  path: string,
  what: string,
  check?: (info: Stats) => void,
): Promise<RegularFile> {
  const fh = await open(path, FLAGS).catch((error: NodeJS.ErrnoException) => {
    throw cannotRead(what, error);
  });
  try {
    const info = await fh.stat();
    if (!info.isFile()) throw notRegular(what, info);
    check?.(info);
    return { info, bytes: await fh.readFile() };
  } finally {
    await fh.close();
  }
}

export function readRegularFileSync(path: string, what: string, check?: (info: Stats) => void): RegularFile {
  let fd: number;
  try {
    fd = openSync(path, FLAGS);
  } catch (error) {
    throw cannotRead(what, error as NodeJS.ErrnoException);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw notRegular(what, info);
    check?.(info);
    return { info, bytes: readFileSync(fd) };
  } finally {
    closeSync(fd);
  }
}
