/**
 * Secrets come from a terminal prompt without echo, or from stdin (`--password-stdin`),
 * never from argv, where they would land in shell history and `ps`.
 */
import { UsageError } from './args.js';
import { EXIT } from './exit-codes.js';

/** Reads a line from the terminal without echoing it; the prompt goes to stderr. */
export function promptSecret(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    return Promise.reject(
      new UsageError(
        `${question.replace(/:\s*$/, '')}: no terminal to ask on; use --password-stdin or the environment`,
      ),
    );
  }
  return new Promise((resolve) => {
    let answer = '';
    // Echo goes off before the question shows, so that nothing typed early is echoed.
    stdin.setRawMode(true);
    process.stderr.write(question);
    stdin.setEncoding('utf8');
    stdin.resume();
    const finish = () => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(answer);
          return;
        }
        if (ch === '\u0003') {
          // Raw mode swallows Ctrl-C's signal: leave as the shell would.
          finish();
          process.exit(EXIT.INTERRUPTED);
        }
        if (ch === '\u007f' || ch === '\b') answer = [...answer].slice(0, -1).join('');
        else if (ch === '\u0015') answer = '';
        else if (ch >= ' ') answer += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** Reads one secret from stdin: the first line, without its line ending. */
export async function readStdinSecret(what: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const line = text.split(/\r?\n/)[0] ?? '';
  if (line === '') throw new UsageError(`${what}: stdin was empty`);
  return line;
}

/** Asks a question on the terminal and reads the answer with echo (a yes/no, not a secret). */
export async function promptLine(question: string): Promise<string> {
  if (!process.stdin.isTTY) {
    // Nothing asked: the caller says what to do instead, on a line of its own.
    throw new UsageError(`${question.replace(/[:?\s[\]/yN]*$/, '')}: no terminal to ask on`);
  }
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
