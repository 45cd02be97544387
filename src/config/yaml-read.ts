/**
 * A reader for the YAML people write in config files, so that reading a profile or a
 * credentials file needs no YAML package (issue 19.1). It reads one document of block
 * mappings and sequences (any consistent indentation, `- ` items holding mappings), plain,
 * single- and double-quoted scalars, literal `|` and folded `>` block scalars with their
 * chomping and indentation indicators, flow `[...]` and `{...}` collections, comments and
 * the `---` / `...` markers, typed by the YAML 1.2 core schema (yaml-scalars.ts).
 *
 * Duplicate keys are refused: a config with two `host:` lines is a mistake. Anchors and
 * aliases, tags, directives, several documents and complex keys are valid YAML that this
 * reader does not implement; it throws YamlUnsupportedError for them and the caller hands
 * the text to the `yaml` package when that is installed (yaml-document.ts).
 *
 * Errors give the line and the rule, never the line's text (it may be a secret).
 */
import { YamlSyntaxError, YamlUnsupportedError } from './yaml-error.js';
import { typePlain } from './yaml-scalars.js';

/** Characters that cannot start a plain scalar (YAML 1.2 c-indicator), '-', '?', ':' aside. */
const INDICATORS = new Set([',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);
const FLOW_INDICATORS = new Set([',', '[', ']', '{', '}']);
const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};
/** YAML's white space is space and tab; JavaScript's trimEnd would also eat U+00A0 and more. */
const TRAILING_BLANKS = /[ \t]+$/;
const HEX_ESCAPES: Record<string, number> = { x: 2, u: 4, U: 8 };

const isBlank = (c: string | undefined) => c === undefined || c === ' ' || c === '\t' || c === '\n';

/** Parses one YAML document into plain data (objects, arrays, strings, numbers, booleans, null). */
export function readYaml(text: string): unknown {
  return new Reader(text).document();
}

/**
 * The key of a `key: value` line (its indentation removed) and the text after the `:`,
 * or undefined when the line holds no key. For yaml-edit.ts, which edits by lines.
 */
export function readLineKey(line: string): { key: string; rest: string } | undefined {
  return new Reader(line).lineKey();
}

class Reader {
  private readonly s: string;
  private i = 0;
  private readonly lineStarts: number[] = [0];

  constructor(text: string) {
    this.s = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
    for (let k = 0; k < this.s.length; k++) if (this.s[k] === '\n') this.lineStarts.push(k + 1);
  }

  // ---- positions and errors ----

  /** 0-based line index of position `at`. */
  private lineIndex(at = this.i): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private col(at = this.i): number {
    return at - this.lineStarts[this.lineIndex(at)]!;
  }

  private fail(reason: string, at = this.i): never {
    throw new YamlSyntaxError(this.lineIndex(at) + 1, reason);
  }

  private unsupported(feature: string, at = this.i): never {
    throw new YamlUnsupportedError(this.lineIndex(at) + 1, feature);
  }

  /** The character at the cursor (a method, so that TypeScript does not narrow it). */
  private ch(): string | undefined {
    return this.s[this.i];
  }

  private atEnd(): boolean {
    return this.i >= this.s.length;
  }

  /** `---` or `...` at the start of a line, followed by a blank: ends every block. */
  private isDocMarker(at = this.i): boolean {
    if (this.col(at) !== 0) return false;
    const three = this.s.slice(at, at + 3);
    return (three === '---' || three === '...') && isBlank(this.s[at + 3]);
  }

  /** Skips spaces and tabs on the current line. */
  private skipInline(): void {
    while (this.ch() === ' ' || this.ch() === '\t') this.i++;
  }

  /** At a line end or a comment (after skipInline). */
  private atLineEnd(): boolean {
    return this.atEnd() || this.ch() === '\n' || this.ch() === '#';
  }

  /**
   * Moves to the next content: over blanks, comments and line breaks. Refuses a tab in
   * the indentation of a content line (YAML indents with spaces only).
   */
  private nextContent(): void {
    let lineStart = this.lineStarts[this.lineIndex()]!;
    for (;;) {
      this.skipInline();
      if (this.ch() === '#') while (!this.atEnd() && this.ch() !== '\n') this.i++;
      if (this.ch() === '\n') {
        this.i++;
        lineStart = this.i;
        continue;
      }
      break;
    }
    if (
      !this.atEnd() &&
      this.s.slice(lineStart, this.i).includes('\t') &&
      /^[ \t]*$/.test(this.s.slice(lineStart, this.i))
    ) {
      this.fail('a tab in indentation (indent with spaces)');
    }
  }

  /** After a node: only blanks or a comment may follow on its line. */
  private endOfLine(what: string): void {
    const start = this.i;
    this.skipInline();
    if (this.ch() === '#' && this.i === start)
      this.fail(`a comment must be separated from ${what} by a space`);
    if (!this.atLineEnd()) {
      if (this.ch() === ':' && isBlank(this.s[this.i + 1])) this.fail('a mapping value is not allowed here');
      this.fail(`unexpected text after ${what}`);
    }
  }

  private isSeqDash(): boolean {
    return this.ch() === '-' && isBlank(this.s[this.i + 1]);
  }

  lineKey(): { key: string; rest: string } | undefined {
    try {
      if (!this.keyAhead()) return undefined;
      const key = this.key();
      this.skipInline();
      return { key, rest: this.s.slice(this.i + 1) };
    } catch {
      return undefined;
    }
  }

  // ---- document ----

  document(): unknown {
    this.nextContent();
    if (this.ch() === '%' && this.col() === 0) this.unsupported('directives (%YAML, %TAG)');
    let value: unknown = null;
    if (this.isDocMarker() && this.ch() === '-') {
      this.i += 3;
      this.skipInline();
      value = this.atLineEnd() ? this.blockValue(-1, false) : this.node(this.col(), -1, true);
    } else if (!this.atEnd() && !this.isDocMarker()) {
      value = this.node(this.col(), -1, false);
    }
    this.nextContent();
    if (this.isDocMarker() && this.ch() === '.') {
      this.i += 3;
      this.nextContent();
    }
    if (this.atEnd()) return value;
    if (this.isDocMarker()) this.unsupported('several documents in one file');
    this.fail('unexpected content after the end of the document');
  }

  // ---- block structure ----

  /**
   * The node on the lines after a key's `:` or a bare `-` (or after `---`): more indented
   * than its parent, or a sequence at the parent's own column when that is a mapping.
   */
  private blockValue(parent: number, seqAtParent: boolean): unknown {
    this.nextContent();
    if (this.atEnd() || this.isDocMarker()) return null;
    const col = this.col();
    if (col > parent) return this.node(col, parent, false);
    if (col === parent && seqAtParent && this.isSeqDash()) return this.sequence(col, true);
    return null;
  }

  /**
   * The node starting here, at column `col`, inside a block indented `parent`.
   * `inline`: it follows a key on the same line, where no block collection may start.
   */
  private node(col: number, parent: number, inline: boolean): unknown {
    const c = this.ch()!;
    if (this.isSeqDash()) {
      if (inline) this.fail('a sequence cannot start on the same line as its key');
      return this.sequence(col, false);
    }
    this.refuseUnsupported();
    if (c === '|' || c === '>') return this.blockScalar(parent);
    if (c === '[' || c === '{') {
      const value = this.flowCollection(parent);
      const end = this.i;
      this.skipInline();
      if (this.ch() === ':') this.unsupported('complex keys (a collection as a key)');
      this.i = end;
      this.endOfLine('a flow collection');
      return value;
    }
    if (!inline && this.keyAhead()) return this.mapping(col);
    const value = this.scalar(parent);
    const end = this.i;
    this.skipInline();
    if (this.ch() === ':' && isBlank(this.s[this.i + 1])) {
      this.fail(
        inline
          ? "a mapping value is not allowed here (a value's line, or a line continuing it, holds ': ')"
          : 'a key must be on one line',
      );
    }
    this.i = end;
    this.endOfLine('a value');
    return value;
  }

  /** Anchors, aliases, tags and explicit keys: valid YAML left to the yaml package. */
  private refuseUnsupported(): void {
    const c = this.ch();
    if (c === '&') this.unsupported('anchors (&name)');
    if (c === '*') this.unsupported('aliases (*name)');
    if (c === '!') this.unsupported('tags (!tag)');
    if (c === '?' && isBlank(this.s[this.i + 1])) this.unsupported('complex keys (? key)');
  }

  /** Whether the line from here holds `key:` (a one-line scalar, then `:` and a blank). */
  private keyAhead(): boolean {
    const save = this.i;
    try {
      const c = this.ch();
      if (c === '"' || c === "'") {
        this.quoted(Number.POSITIVE_INFINITY);
        if (this.lineIndex() !== this.lineIndex(save)) return false;
        this.skipInline();
        return this.ch() === ':' && isBlank(this.s[this.i + 1]);
      }
      if (c === '[' || c === '{') return false;
      for (let k = this.i; k < this.s.length && this.s[k] !== '\n'; k++) {
        const ch = this.s[k];
        if (ch === '#' && (this.s[k - 1] === ' ' || this.s[k - 1] === '\t')) return false;
        if (ch === ':' && isBlank(this.s[k + 1])) return true;
      }
      return false;
    } catch {
      return false;
    } finally {
      this.i = save;
    }
  }

  private mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const lines = new Map<string, number>();
    for (;;) {
      const at = this.i;
      if (this.isSeqDash()) this.fail('a sequence item where a key was expected');
      this.refuseUnsupported();
      if (this.ch() === '[' || this.ch() === '{') this.unsupported('complex keys (a collection as a key)');
      if (!this.keyAhead()) this.fail('expected a key (key: value)');
      const key = this.key();
      const first = lines.get(key);
      if (first !== undefined) this.fail(`duplicate key (first at line ${first})`, at);
      lines.set(key, this.lineIndex(at) + 1);
      this.skipInline();
      this.i++; // the ':'
      this.skipInline();
      const value = this.atLineEnd() ? this.blockValue(indent, true) : this.node(this.col(), indent, true);
      define(out, key, value);
      this.nextContent();
      if (this.atEnd() || this.isDocMarker()) return out;
      const col = this.col();
      if (col < indent) return out;
      if (col > indent) this.fail('bad indentation (deeper than the keys above it)');
    }
  }

  /** A mapping key: a one-line scalar, as the string a JSON object would use. */
  private key(): string {
    if (this.ch() === '"' || this.ch() === "'") return this.quoted(Number.POSITIVE_INFINITY);
    const start = this.i;
    this.checkPlainStart();
    while (!(this.ch() === ':' && isBlank(this.s[this.i + 1]))) this.i++;
    const value = typePlain(this.s.slice(start, this.i).replace(TRAILING_BLANKS, ''));
    return value === null ? '' : String(value);
  }

  /** `atParent`: a mapping's value written at the mapping's own column (`key:\n- a`). */
  private sequence(indent: number, atParent: boolean): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      this.i++; // the '-'
      const gap = this.i;
      this.skipInline();
      // A collection after the dash is indented by the gap, which only spaces may make.
      if (this.s.slice(gap, this.i).includes('\t') && (this.isSeqDash() || this.keyAhead())) {
        this.fail('a tab in indentation (indent with spaces)');
      }
      out.push(this.atLineEnd() ? this.blockValue(indent, false) : this.node(this.col(), indent, false));
      this.nextContent();
      if (this.atEnd() || this.isDocMarker()) return out;
      const col = this.col();
      if (col < indent) return out;
      if (col > indent) this.fail('bad indentation (deeper than the items above it)');
      if (!this.isSeqDash()) {
        if (atParent) return out;
        this.fail('expected a sequence item (- )');
      }
    }
  }

  // ---- scalars ----

  private scalar(parent: number): unknown {
    if (this.ch() === '"' || this.ch() === "'") return this.quoted(parent);
    return typePlain(this.plain(parent));
  }

  private checkPlainStart(): void {
    const c = this.ch()!;
    if (c === '@' || c === '`') this.fail(`'${c}' is reserved and cannot start a plain value (quote it)`);
    if (c === '%') this.fail("'%' cannot start a plain value (quote it)");
    if (INDICATORS.has(c)) this.fail(`'${c}' cannot start a plain value (quote it)`);
    if ((c === '-' || c === '?' || c === ':') && isBlank(this.s[this.i + 1])) {
      this.fail(`'${c}' followed by a blank cannot start a plain value (quote it)`);
    }
  }

  /** A plain scalar in block context; continuation lines are indented deeper than `parent`. */
  private plain(parent: number): string {
    this.checkPlainStart();
    let text = '';
    for (;;) {
      const start = this.i;
      while (!this.atEnd() && this.ch() !== '\n') {
        if (this.ch() === ':' && isBlank(this.s[this.i + 1])) break;
        if ((this.ch() === ' ' || this.ch() === '\t') && this.s[this.i + 1] === '#') break;
        this.i++;
      }
      text += this.s.slice(start, this.i).replace(TRAILING_BLANKS, '');
      if (this.ch() !== '\n') break;
      // A continuation line: deeper than the parent, not a comment or document marker.
      let k = this.i;
      let breaks = 0;
      let lineStart = k;
      for (;;) {
        if (this.s[k] !== '\n') break;
        k++;
        breaks++;
        lineStart = k;
        while (this.s[k] === ' ' || this.s[k] === '\t') k++;
      }
      const indent = k - lineStart;
      if (
        k >= this.s.length ||
        this.s[k] === '#' ||
        indent <= parent ||
        this.isDocMarker(lineStart) ||
        this.s.slice(lineStart, lineStart + indent).includes('\t')
      ) {
        break;
      }
      text += breaks > 1 ? '\n'.repeat(breaks - 1) : ' ';
      this.i = k;
    }
    return text;
  }

  /**
   * A single- or double-quoted scalar; may span lines (folded: one break is a space, each
   * empty line a newline). Continuation lines must be deeper than `parent`.
   */
  private quoted(parent: number): string {
    const quote = this.ch()!;
    const open = this.i;
    this.i++;
    let out = '';
    let kept = 0; // length of `out` that trailing-space trimming must not touch (escapes)
    for (;;) {
      if (this.atEnd()) this.fail('a quoted string is not closed', open);
      const c = this.ch()!;
      if (c === quote) {
        if (quote === "'" && this.s[this.i + 1] === "'") {
          out += "'";
          this.i += 2;
          continue;
        }
        this.i++;
        return out;
      }
      if (c === '\\' && quote === '"') {
        const e = this.s[this.i + 1];
        if (e === '\n') {
          this.i += 2;
          this.foldLines(parent, open, true);
          kept = out.length;
          continue;
        }
        const width = e === undefined ? undefined : HEX_ESCAPES[e];
        if (width !== undefined) {
          const hex = this.s.slice(this.i + 2, this.i + 2 + width);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) this.fail('a bad \\x, \\u or \\U escape');
          out += String.fromCodePoint(Number.parseInt(hex, 16));
          this.i += 2 + width;
        } else {
          const char = e === undefined ? undefined : ESCAPES[e];
          if (char === undefined) this.fail('an unknown escape in a double-quoted string');
          out += char;
          this.i += 2;
        }
        kept = out.length;
        continue;
      }
      if (c === '\n') {
        out = out.slice(0, kept) + out.slice(kept).replace(/[ \t]+$/, '');
        out += this.foldLines(parent, open, false);
        kept = out.length;
        continue;
      }
      out += c;
      this.i++;
    }
  }

  /** At a line break inside a quoted scalar: what the breaks fold to; moves past the indentation. */
  private foldLines(parent: number, open: number, escaped: boolean): string {
    let breaks = escaped ? 1 : 0;
    for (;;) {
      if (this.ch() === '\n') {
        breaks++;
        this.i++;
      }
      const lineStart = this.i;
      while (this.ch() === ' ' || this.ch() === '\t') this.i++;
      if (this.ch() === '\n') continue;
      if (this.atEnd()) this.fail('a quoted string is not closed', open);
      if (this.isDocMarker(lineStart)) this.fail('a quoted string is not closed', open);
      if (this.i - lineStart <= parent && parent >= 0) {
        this.fail('a multi-line quoted string must be indented deeper than its key');
      }
      break;
    }
    if (breaks === 1) return escaped ? '' : ' ';
    return '\n'.repeat(breaks - 1);
  }

  /** `|` or `>` with optional chomping (`-`, `+`) and indentation (1-9) indicators. */
  private blockScalar(parent: number): string {
    const folded = this.ch() === '>';
    this.i++;
    let chomp: '' | '-' | '+' = '';
    let explicit = 0;
    for (let n = 0; n < 2; n++) {
      const c = this.ch();
      if ((c === '-' || c === '+') && chomp === '') {
        chomp = c;
        this.i++;
      } else if (c !== undefined && c >= '1' && c <= '9' && explicit === 0) {
        explicit = Number(c);
        this.i++;
      }
    }
    const afterHeader = this.i;
    this.skipInline();
    if (this.ch() === '#' && this.i === afterHeader)
      this.fail('a comment must be separated from | or > by a space');
    if (!this.atLineEnd()) this.fail('unexpected text after a block scalar indicator (| or >)');
    while (!this.atEnd() && this.ch() !== '\n') this.i++;
    if (!this.atEnd()) this.i++;

    // Its lines: the indentation is given, or that of the first non-empty line.
    const lines: string[] = [];
    let indent = explicit > 0 ? Math.max(parent, 0) + explicit : -1;
    while (!this.atEnd()) {
      const end = this.s.indexOf('\n', this.i);
      const line = this.s.slice(this.i, end < 0 ? this.s.length : end);
      const spaces = /^ */.exec(line)![0].length;
      const empty = spaces === line.length;
      if (indent < 0 && !empty) {
        if (spaces <= parent) break;
        indent = spaces;
      }
      if (!empty && spaces < indent) break;
      if (indent === 0 && this.isDocMarker()) break;
      lines.push(empty && (indent < 0 || spaces <= indent) ? '' : line.slice(Math.max(indent, 0)));
      this.i = end < 0 ? this.s.length : end + 1;
    }
    // Without content, the lines read were only empty ones, which count as trailing breaks.
    let trailing = 0;
    while (lines.length > 0 && lines[lines.length - 1] === '') {
      lines.pop();
      trailing++;
    }
    const body = folded ? fold(lines) : lines.join('\n');
    if (chomp === '-') return body;
    if (chomp === '+') return lines.length > 0 ? `${body}\n${'\n'.repeat(trailing)}` : '\n'.repeat(trailing);
    return lines.length > 0 ? `${body}\n` : '';
  }

  // ---- flow collections ----

  /** Skips blanks, line breaks and comments inside a flow collection. */
  private skipFlow(parent: number, open: number): void {
    for (;;) {
      const before = this.i;
      this.skipInline();
      if (this.ch() === '#' && (this.i > before || this.col() === 0)) {
        while (!this.atEnd() && this.ch() !== '\n') this.i++;
      }
      if (this.ch() !== '\n') break;
      this.i++;
      const lineStart = this.i;
      while (this.ch() === ' ' || this.ch() === '\t') this.i++;
      if (this.ch() === '\n' || this.ch() === '#') {
        this.i = lineStart;
        continue;
      }
      if (this.atEnd() || this.isDocMarker(lineStart)) this.fail('a flow collection is not closed', open);
      if (this.i - lineStart <= parent)
        this.fail('a multi-line flow collection must be indented deeper than its key');
    }
    if (this.atEnd()) this.fail('a flow collection is not closed', open);
  }

  private flowCollection(parent: number): unknown {
    const open = this.i;
    const close = this.ch() === '[' ? ']' : '}';
    this.i++;
    const list: unknown[] = [];
    const map: Record<string, unknown> = {};
    const lines = new Map<string, number>();
    for (;;) {
      this.skipFlow(parent, open);
      if (this.ch() === close) {
        this.i++;
        return close === ']' ? list : map;
      }
      const at = this.i;
      const key = this.flowNode(parent, open);
      this.skipFlow(parent, open);
      let value: unknown = null;
      let pair = false;
      if (this.ch() === ':') {
        pair = true;
        this.i++;
        this.skipFlow(parent, open);
        if (this.ch() !== ',' && this.ch() !== close) value = this.flowNode(parent, open);
        this.skipFlow(parent, open);
      }
      if (close === ']') {
        if (pair) list.push(define({}, flowKey(key, at, this), value));
        else list.push(key);
      } else {
        const name = flowKey(key, at, this);
        if (lines.has(name)) this.fail(`duplicate key (first at line ${lines.get(name)})`, at);
        lines.set(name, this.lineIndex(at) + 1);
        define(map, name, value);
      }
      if (this.ch() === ',') this.i++;
      else if (this.ch() !== close) this.fail(`expected ',' or '${close}' in a flow collection`);
    }
  }

  /** Used by flowKey to refuse a collection as a key. */
  unsupportedAt(feature: string, at: number): never {
    this.unsupported(feature, at);
  }

  private flowNode(parent: number, open: number): unknown {
    const c = this.ch()!;
    if (c === ',') this.fail('an empty entry in a flow collection');
    this.refuseUnsupported();
    if (c === '[' || c === '{') return this.flowCollection(parent);
    if (c === '"' || c === "'") return this.quoted(parent);
    if (c === ']' || c === '}') this.fail(`an unexpected '${c}'`);
    this.checkPlainStart();
    let text = '';
    for (;;) {
      const start = this.i;
      while (!this.atEnd() && this.ch() !== '\n') {
        const ch = this.ch()!;
        if (FLOW_INDICATORS.has(ch)) break;
        if (ch === ':' && (isBlank(this.s[this.i + 1]) || FLOW_INDICATORS.has(this.s[this.i + 1]!))) break;
        if ((ch === ' ' || ch === '\t') && this.s[this.i + 1] === '#') break;
        this.i++;
      }
      text += this.s.slice(start, this.i).replace(TRAILING_BLANKS, '');
      if (this.ch() !== '\n') break;
      const save = this.i;
      this.skipFlow(parent, open);
      const next = this.ch();
      if (next === undefined || FLOW_INDICATORS.has(next) || next === ':' || next === '#') {
        this.i = save;
        break;
      }
      text += ' ';
    }
    return typePlain(text);
  }
}

/** A flow key as an object key; a collection as a key is left to the yaml package. */
function flowKey(key: unknown, at: number, reader: Reader): string {
  if (key !== null && typeof key === 'object')
    reader.unsupportedAt('complex keys (a collection as a key)', at);
  return key === null ? '' : String(key);
}

/** Sets a key the way JSON.parse does: `__proto__` becomes an own property, not the prototype. */
function define(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

/**
 * Folded block scalar lines: a single break between two ordinary lines is a space, each
 * empty line a newline; lines that start with a blank ("more indented") keep their breaks.
 */
function fold(lines: readonly string[]): string {
  let out = '';
  let empties = 0;
  let previous: 'none' | 'text' | 'more' = 'none';
  for (const line of lines) {
    if (line === '') {
      empties++;
      continue;
    }
    const more = line[0] === ' ' || line[0] === '\t';
    if (previous === 'none') out += '\n'.repeat(empties);
    else if (previous === 'text' && !more) out += empties > 0 ? '\n'.repeat(empties) : ' ';
    else out += '\n'.repeat(empties + 1);
    out += line;
    previous = more ? 'more' : 'text';
    empties = 0;
  }
  return out;
}
