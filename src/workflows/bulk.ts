/**
 * One operation over many guests (or anything), a few at a time: every item gets a result or
 * an error of its own, and nothing stops because one failed. Progress goes to a callback
 * after each item, in the order items finish.
 */
import { AbortError, InvalidArgumentError } from '../core/errors.js';

export type BulkItemResult<I, R> =
  | { item: I; index: number; ok: true; value: R }
  | { item: I; index: number; ok: false; error: unknown };

export interface BulkProgress<I, R> {
  /** Items finished so far (succeeded or failed). */
  done: number;
  total: number;
  failed: number;
  /** The item that just finished. */
  last: BulkItemResult<I, R>;
}

export interface BulkOptions<I, R> {
  /** Items in flight at once. @default 4 */
  concurrency?: number;
  /** Stops starting new items; items not started end with AbortError. */
  signal?: AbortSignal;
  onProgress?: (progress: BulkProgress<I, R>) => void;
}

export interface BulkResult<I, R> {
  /** One entry per item, in the order of the input. */
  results: BulkItemResult<I, R>[];
  succeeded: number;
  failed: number;
}

export async function bulk<I, R>(
  items: Iterable<I>,
  operation: (item: I, signal: AbortSignal | undefined) => Promise<R>,
  options: BulkOptions<I, R> = {},
): Promise<BulkResult<I, R>> {
  const list = [...items];
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidArgumentError(`bulk: concurrency must be a whole number >= 1, got ${concurrency}`);
  }
  const results = new Array<BulkItemResult<I, R>>(list.length);
  let next = 0;
  let done = 0;
  let failed = 0;
  const finish = (result: BulkItemResult<I, R>) => {
    results[result.index] = result;
    done++;
    if (!result.ok) failed++;
    options.onProgress?.({ done, total: list.length, failed, last: result });
  };
  const worker = async () => {
    while (next < list.length) {
      const index = next++;
      const item = list[index] as I;
      if (options.signal?.aborted) {
        finish({
          item,
          index,
          ok: false,
          error: new AbortError('bulk: aborted before this item started', { cause: options.signal.reason }),
        });
        continue;
      }
      try {
        finish({ item, index, ok: true, value: await operation(item, options.signal) });
      } catch (error) {
        finish({ item, index, ok: false, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, list.length) }, worker));
  return { results, succeeded: list.length - failed, failed };
}
