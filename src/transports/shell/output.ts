/**
 * Turns what a host tool printed (stdout, stderr, exit status) into the same response an
 * HTTPS call would give: `{data}` on success, `{data: null, message, errors?}` on failure.
 */
import type { TransportResponse } from '../transport.js';

export interface ShellResult {
  stdout: string;
  stderr: string;
  /** Exit status, or null when the process was ended by a signal. */
  exitCode: number | null;
  signal?: string | null;
}

const UPID = /^UPID:[^\s"]+$/;
// pvesh/pmgsh print a PVE::Exception as `CODE message` on its own first line; only such a
// line carries a status (a number inside a message, `VM 100`, `500 MB`, never does).
const STATUS_LINE = /^([45]\d\d) (\S.*)$/;
// After `400 Parameter verification failed.` each bad parameter gets a `name: message` line.
const PARAM_LINE = /^([A-Za-z][A-Za-z0-9_.[\]-]*): (.+)$/;

function ok(data: unknown, stderr: string): TransportResponse {
  const warnings = stderr.trim();
  // Warnings on a successful call stay visible to callers that want them, without failing it.
  return {
    status: 200,
    statusText: 'OK',
    headers: warnings ? { 'x-shell-stderr': warnings } : {},
    body: { data },
  };
}

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** The result of a successful call: JSON, a UPID (quoted or bare), or plain text. */
export function parseSuccess(stdout: string): unknown {
  const text = stdout.trim();
  if (text === '') return null;
  const whole = parseJson(text);
  if (whole) return whole.value;
  // A task started from the CLI may print its log first; the UPID is the last line.
  const lines = text.split('\n');
  const last = lines[lines.length - 1]!.trim();
  const unquoted = last.replace(/^"(.*)"$/, '$1');
  if (UPID.test(unquoted)) return unquoted;
  if (lines.length > 1) {
    const tail = parseJson(last);
    if (tail) return tail.value;
  }
  return text;
}

/** Status, reason, message and per-parameter errors from a failed call's stderr. */
export function parseFailure(
  stderr: string,
  exitCode: number | null,
  signal?: string | null,
): { status: number; statusText: string; message: string; errors?: Record<string, string> } {
  const lines = stderr
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd());
  const at = lines.findIndex((l) => STATUS_LINE.test(l));
  if (at === -1) {
    const message =
      stderr.trim() ||
      (exitCode === null ? `killed by signal ${signal ?? 'unknown'}` : `exited with status ${exitCode}`);
    return { status: 500, statusText: message.split('\n')[0]!, message };
  }
  const [, code, reason] = STATUS_LINE.exec(lines[at]!)!;
  const status = Number(code);
  const rest = lines.slice(at + 1).filter((l) => l.trim() !== '');
  const errors: Record<string, string> = {};
  const other: string[] = [];
  for (const line of rest) {
    const m = status === 400 ? PARAM_LINE.exec(line) : null;
    if (m) errors[m[1]!] = m[2]!;
    else other.push(line);
  }
  const message = [reason!, ...other].join('\n');
  return Object.keys(errors).length > 0
    ? { status, statusText: reason!, message, errors }
    : { status, statusText: reason!, message };
}

/** The whole response for one finished tool run. */
export function parseShellOutput(result: ShellResult): TransportResponse {
  if (result.exitCode === 0) return ok(parseSuccess(result.stdout), result.stderr);
  const failure = parseFailure(result.stderr, result.exitCode, result.signal);
  const body: Record<string, unknown> = { data: null, message: failure.message };
  if (failure.errors) body.errors = failure.errors;
  return { status: failure.status, statusText: failure.statusText, headers: {}, body };
}
