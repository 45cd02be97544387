/** A duration option given in seconds (`--timeout 1.5`), as milliseconds. */
import { UsageError } from '../args.js';

export function secondsOption(o: Record<string, string | true>, name: string, fallback: number): number {
  const text = o[name];
  if (text === undefined) return fallback;
  const seconds = Number(text);
  if (typeof text !== 'string' || !(seconds > 0)) {
    throw new UsageError(`--${name}: expected seconds > 0, got '${String(text)}'`);
  }
  return Math.round(seconds * 1000);
}
