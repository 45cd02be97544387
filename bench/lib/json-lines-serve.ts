/**
 * The child side of JsonLinesChild: announce readiness with one line, then answer each
 * stdin line in order, one line each, echoing its `id`. A request with `concurrent: true`
 * is answered at once, even while another runs (e.g. moving a clock mid-run). Exits when
 * stdin ends. Nothing else may write to stdout in such a child (diagnostics go to stderr).
 */
import { createInterface } from 'node:readline';

export type Handler = (message: Record<string, any>) => Promise<object> | object;

export function serveJsonLines(ready: object, handle: Handler, onEnd?: () => Promise<void>): void {
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  const lines = createInterface({ input: process.stdin });
  // One request at a time: measurements must not overlap inside one process.
  let chain: Promise<void> = Promise.resolve();
  const answer = async (message: Record<string, any>) => {
    let body: object;
    try {
      body = await handle(message);
    } catch (error) {
      body = { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
    process.stdout.write(`${JSON.stringify({ ...body, id: message.id })}\n`);
  };
  lines.on('line', (line) => {
    const message = JSON.parse(line) as Record<string, any>;
    if (message.concurrent === true) void answer(message);
    else chain = chain.then(() => answer(message));
  });
  lines.on('close', () => {
    chain
      .then(() => onEnd?.())
      .finally(() => process.exit(0))
      .catch(() => {});
  });
}
