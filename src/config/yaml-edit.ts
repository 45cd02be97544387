/**
 * Edits a YAML file by lines, so that a change to one key keeps every other line as the
 * user wrote it: comments, blank lines, quoting, key order. The profile store uses it
 * (profiles.ts): `default` and `profiles.NAME` are set or removed, one or two keys deep
 * in block mappings.
 *
 * An entry spans its key line and every deeper line up to its last content line; the
 * comments after that stay where they are. The new entry is written by yaml-write.ts at
 * the entry's indentation. When the text is not laid out so (a flow mapping, a value on
 * the key's line where a mapping should be, a document on the `---` line), setIn answers
 * undefined and the caller writes the whole document instead.
 */
import { readLineKey } from './yaml-read.js';
import { writeYaml } from './yaml-write.js';

interface Entry {
  key: string;
  /** Text after the key's `:`. */
  rest: string;
  /** Index of the key line. */
  start: number;
  /** Index after its last content line. */
  end: number;
}

const isQuiet = (line: string) => /^\s*(?:#|$)/.test(line);
const indentOf = (line: string) => /^ */.exec(line)![0].length;

/**
 * The text with the value at `path` (one or two keys) set, or removed when `value` is
 * undefined. `whole` is the document's new value, used when an entry must be rewritten
 * whole (`profiles: {}` gaining a profile). Undefined when the text cannot be edited by lines.
 */
export function setIn(
  text: string,
  path: readonly [string] | readonly [string, string],
  value: unknown,
  whole: Record<string, unknown>,
): string | undefined {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const region = documentRegion(lines);
  if (region === undefined) return undefined;
  const top = entries(lines, region.from, region.to, 0);
  if (top === undefined) return undefined;
  const [first, second] = path;
  if (second === undefined) {
    put(lines, top, region.to, 0, first, value);
  } else {
    const parent = top.find((e) => e.key === first);
    const child = parent && blockChild(lines, parent);
    if (parent === undefined || child === undefined) {
      // No such entry, or not a block mapping: the entry is rewritten from the new value.
      if (whole[first] === undefined && parent === undefined) return joined(lines);
      put(lines, top, region.to, 0, first, whole[first]);
    } else {
      const inner = entries(lines, child.from, child.to, child.indent);
      if (inner === undefined) return undefined;
      put(lines, inner, child.to, child.indent, second, value);
    }
  }
  return joined(lines);
}

const joined = (lines: readonly string[]) => (lines.length === 0 ? '' : `${lines.join('\n')}\n`);

/** The lines between a leading `---` and a closing `...`. */
function documentRegion(lines: readonly string[]): { from: number; to: number } | undefined {
  let from = 0;
  while (from < lines.length && isQuiet(lines[from]!)) from++;
  if (from < lines.length && /^---(?:\s|$)/.test(lines[from]!)) {
    if (!isQuiet(lines[from]!.slice(3))) return undefined;
    from++;
  }
  let to = lines.findIndex((line, i) => i >= from && /^\.\.\.(?:\s|$)/.test(line));
  if (to < 0) to = lines.length;
  return { from, to };
}

/** The entries of the block mapping whose keys sit at column `indent` in lines [from, to). */
function entries(lines: readonly string[], from: number, to: number, indent: number): Entry[] | undefined {
  const out: Entry[] = [];
  for (let i = from; i < to; i++) {
    const line = lines[i]!;
    if (isQuiet(line)) continue;
    const at = indentOf(line);
    if (at < indent) return undefined;
    if (at > indent) {
      if (out.length === 0) return undefined;
      out[out.length - 1]!.end = i + 1;
      continue;
    }
    const key = readLineKey(line.slice(indent));
    if (key === undefined) return undefined;
    out.push({ ...key, start: i, end: i + 1 });
  }
  return out;
}

/** Where an entry's value is a block mapping on the lines below it: those lines and their indent. */
function blockChild(
  lines: readonly string[],
  entry: Entry,
): { from: number; to: number; indent: number } | undefined {
  if (!isQuiet(entry.rest)) return undefined;
  const keyIndent = indentOf(lines[entry.start]!);
  for (let i = entry.start + 1; i < entry.end; i++) {
    const line = lines[i]!;
    if (isQuiet(line)) continue;
    if (/^\s*-(?:\s|$)/.test(line)) return undefined;
    return { from: entry.start + 1, to: entry.end, indent: indentOf(line) };
  }
  return { from: entry.start + 1, to: entry.start + 1, indent: keyIndent + 2 };
}

/** Replaces, removes or appends the entry `key` among `list`. */
function put(
  lines: string[],
  list: readonly Entry[],
  end: number,
  indent: number,
  key: string,
  value: unknown,
) {
  const pad = ' '.repeat(indent);
  const rendered =
    value === undefined
      ? []
      : writeYaml({ [key]: value })
          .replace(/\n$/, '')
          .split('\n')
          .map((line) => (line === '' ? '' : pad + line));
  const existing = list.find((e) => e.key === key);
  if (existing !== undefined) lines.splice(existing.start, existing.end - existing.start, ...rendered);
  else lines.splice(list.length > 0 ? list[list.length - 1]!.end : end, 0, ...rendered);
}
