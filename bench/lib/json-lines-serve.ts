/**
 * The child side of JsonLinesChild: announce readiness with one line, then answer each
 * stdin line in order, one line each. Exits when stdin ends. Nothing else may write to
 * stdout in a child that uses this (diagnostics go to stderr).
 */
import { createInterface } from 'node:readline';

export type Handler = (message: Record<string, any>) => Promise<object> | object;

export function serveJsonLines(ready: object, handle: Handler, onEnd?: () => Promise<void>): void {
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  const lines = createInterface({ input: process.stdin });
  // One request at a time: measurements must not overlap inside one process.
  let chain: Promise<void> = Promise.resolve();
  lines.on('line', (line) => {
    chain = chain.then(async () => {
      let answer: object;
      try {
        answer = await handle(JSON.parse(line));
      } catch (error) {
        answer = { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
      }
      process.stdout.write(`${JSON.stringify(answer)}\n`);
    });
  });
  lines.on('close', () => {
    chain
      .then(() => onEnd?.())
      .finally(() => process.exit(0))
      .catch(() => {});
  });
}
