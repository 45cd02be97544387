/**
 * Writes plain data (what JSON holds) as block-style YAML that our reader (yaml-read.ts)
 * and the `yaml` package both read back to the same value. The layout is the yaml
 * package's default, which wrote the profile stores of earlier versions: two-space indent,
 * a sequence indented under its key, `- ` items holding compact mappings, `{}` and `[]`
 * for empty collections, a literal block (`|`, `|-`, `|+`) for multi-line text.
 *
 * A string is written plain only when plain text reads back as that same string: one
 * that the core schema would type (`null`, `0123`, `true`, `.inf`), that starts with an
 * indicator (`-`, `?`, `[`, `{`, `*`, `&`, `!`, `%`, `@`, backtick, quotes, ...), holds
 * `: ` or ` #`, has blanks at either end, is empty, or holds a character that is not
 * printable is double-quoted with escapes instead. Keys follow the same rule.
 */
import { typesAsNonString } from './yaml-scalars.js';

const INDENT = 2;

/** First characters that make a plain scalar mean something else (YAML c-indicator). */
const INDICATOR_START = /^[-?:,[\]{}#&*!|>'"%@`]/;
/** Characters a plain or literal scalar must not hold: controls, breaks YAML 1.1 knew, BOM, lone surrogates. */
const UNPRINTABLE =
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const ESCAPES: Record<string, string> = {
  '\0': '\\0',
  '\x07': '\\a',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
  '\x1b': '\\e',
  '"': '\\"',
  '\\': '\\\\',
  '\x85': '\\N',
  '\u2028': '\\L',
  '\u2029': '\\P',
};

/** The value as a YAML document (no `---` marker), ending with a newline. */
export function writeYaml(value: unknown): string {
  const data = toData(value);
  if (isBlockCollection(data)) return block(data, 0);
  return `${inline(data, 0)}\n`;
}

/** What JSON.stringify would keep: toJSON applied, undefined members of objects dropped. */
function toData(value: unknown): unknown {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    return toData((value as { toJSON: () => unknown }).toJSON());
  }
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : toData(item)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined || typeof item === 'function') continue;
      Object.defineProperty(out, key, {
        value: toData(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** A non-empty mapping or sequence (empty ones are written inline as `{}` and `[]`). */
function isBlockCollection(value: unknown): value is Record<string, unknown> | unknown[] {
  if (Array.isArray(value)) return value.length > 0;
  return value !== null && typeof value === 'object' && Object.keys(value).length > 0;
}

/** The lines of a non-empty collection at `indent`, each ending with a newline. */
function block(value: Record<string, unknown> | unknown[], indent: number): string {
  const pad = ' '.repeat(indent);
  let out = '';
  if (Array.isArray(value)) {
    for (const item of value) {
      // A collection item starts on the dash's line: `- a: 1` / `- - x`.
      out += isBlockCollection(item)
        ? `${pad}- ${block(item, indent + INDENT).slice(indent + INDENT)}`
        : `${pad}- ${inline(item, indent)}\n`;
    }
    return out;
  }
  for (const [key, item] of Object.entries(value)) {
    out += isBlockCollection(item)
      ? `${pad}${scalarString(key, true)}:\n${block(item, indent + INDENT)}`
      : `${pad}${scalarString(key, true)}: ${inline(item, indent)}\n`;
  }
  return out;
}

/** A scalar or empty collection on the current line (a literal block continues below it). */
function inline(value: unknown, indent: number): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return '[]';
  if (typeof value === 'object') return '{}';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return String(value);
  }
  const text = String(value);
  return literalFits(text) ? literal(text, indent + INDENT) : scalarString(text, false);
}

/**
 * Multi-line text as a literal block, when it reads back exactly: printable, its first
 * line not starting with a blank (the indentation would be misread), some text in it.
 */
function literalFits(text: string): boolean {
  return (
    text.includes('\n') &&
    !UNPRINTABLE.test(text) &&
    !text.includes('\t') &&
    !/^[ \n]/.test(text) &&
    /[^\n]/.test(text) &&
    !/ \n|[ ]$/.test(text)
  );
}

function literal(text: string, indent: number): string {
  const pad = ' '.repeat(indent);
  const trailing = /\n*$/.exec(text)![0].length;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const body = trailing === 0 ? text : text.slice(0, -1);
  const lines = body.split('\n').map((line) => (line === '' ? '' : `${pad}${line}`));
  // The caller adds the final newline.
  return `|${chomp}\n${lines.join('\n')}`;
}

/** A string plain when that reads back as itself, else double-quoted. */
function scalarString(text: string, key: boolean): string {
  return plainFits(text, key) ? text : doubleQuoted(text);
}

function plainFits(text: string, key: boolean): boolean {
  if (text === '' || typesAsNonString(text)) return false;
  if (INDICATOR_START.test(text) || /^(?:---|\.\.\.)/.test(text)) return false;
  if (/^\s|\s$/.test(text) || /[\n\t]/.test(text) || UNPRINTABLE.test(text)) return false;
  if (text.includes(': ') || text.includes(' #') || text.endsWith(':')) return false;
  // A key's own `:` would end it early in readers that split at the first `:`; quote it.
  if (key && text.includes(':')) return false;
  return true;
}

function doubleQuoted(text: string): string {
  let out = '"';
  for (const char of text) {
    const known = ESCAPES[char];
    if (known !== undefined) out += known;
    else if (UNPRINTABLE.test(char)) {
      const code = char.codePointAt(0)!;
      out += code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
    } else out += char;
  }
  return `${out}"`;
}

const hex = (code: number, width: number) => code.toString(16).toUpperCase().padStart(width, '0');
