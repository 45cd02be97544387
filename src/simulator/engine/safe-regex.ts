/**
 * Pattern matching that cannot hang the simulator. Some upstream patterns nest
 * quantifiers (`(?:(?:[._]|__|[-]*)[a-z\d]+)*`), which backtrack exponentially on a
 * value that almost matches; such patterns run in a VM context with a time limit, and
 * a value that runs out of time is accepted rather than blocking every other request.
 */
import { type Context, createContext, Script } from 'node:vm';

const NESTED = /\((?:[^()]|\([^()]*\))*[*+](?:[^()]|\([^()]*\))*\)[*+{]/;
const LIMIT_MS = 50;
const script = new Script('regex.test(value)');

interface Guarded {
  regex: RegExp;
  context?: Context;
}

const cache = new Map<string, Guarded | null>();

function guarded(pattern: string, flags: string): Guarded | null {
  const key = `${flags}/${pattern}`;
  let entry = cache.get(key);
  if (entry === undefined) {
    try {
      const regex = new RegExp(`^(?:${pattern})$`, flags);
      entry = NESTED.test(pattern) ? { regex, context: createContext({ regex, value: '' }) } : { regex };
    } catch {
      // A pattern JavaScript cannot compile is not checked rather than refusing every value.
      entry = null;
    }
    cache.set(key, entry);
  }
  return entry;
}

/** Whether the value matches the whole pattern; `onTimeout` when the check ran out of time. */
export function matchesPattern(pattern: string, flags: string, value: string, onTimeout = true): boolean {
  const entry = guarded(pattern, flags);
  if (!entry) return true;
  if (!entry.context) return entry.regex.test(value);
  entry.context.value = value;
  try {
    return script.runInContext(entry.context, { timeout: LIMIT_MS }) === true;
  } catch {
    return onTimeout;
  }
}
