/**
 * Upstream patterns in JavaScript syntax. PVE and PMG print Perl regexes (`(?^u:...)`,
 * `(?^i:...)`, atomic groups, `\z`); PBS and PDM print Rust ones as `/^...$/` with POSIX
 * classes. The result is meant to be matched as `new RegExp(`^(?:${pattern})$`, flags)`,
 * which is how PVE's JSONSchema anchors its patterns (PBS/PDM already anchor theirs).
 */

export interface JsPattern {
  pattern: string;
  /** `i`/`m` when an inline modifier was widened to the whole pattern (Node 20 has no inline modifier groups). */
  flags?: string;
}

const POSIX: Record<string, string> = {
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  alpha: 'a-zA-Z',
  alnum: 'a-zA-Z0-9',
  space: '\\s',
  upper: 'A-Z',
  lower: 'a-z',
  xdigit: '0-9a-fA-F',
};

export function toJsPattern(raw: string): JsPattern {
  let src = raw;
  if (src.length >= 2 && src.startsWith('/') && src.endsWith('/')) src = src.slice(1, -1);
  const flags = new Set<string>();
  src = src.replace(/\(\?\^([a-z]*):/g, (_m, mods: string) => {
    if (mods.includes('i')) flags.add('i');
    return '(?:';
  });
  src = src.replace(/\(\?>/g, '(?:');
  // Rust regex: leading `(?i)` / `(?m)` flags, `(?i:...)` groups, `(?P<name>` captures.
  src = src.replace(/\(\?([im]+)\)/g, (_m, mods: string) => {
    for (const f of mods) flags.add(f);
    return '';
  });
  src = src.replace(/\(\?i:/g, () => {
    flags.add('i');
    return '(?:';
  });
  src = src.replace(/\(\?P</g, '(?<');
  src = src.replace(/\\z/g, '$').replace(/\\Z/g, '$').replace(/\\A/g, '^');
  // `[[:^cntrl:]]` is a whole negated class; `[...[:cntrl:]...]` a range inside a class.
  src = src.replace(/\[\[:\^(\w+):\]\]/g, (m, name: string) => (POSIX[name] ? `[^${POSIX[name]}]` : m));
  src = src.replace(/\[:(\w+):\]/g, (m, name: string) => POSIX[name] ?? m);
  const f = [...flags].sort().join('');
  return f ? { pattern: src, flags: f } : { pattern: src };
}

/** Whether JavaScript can compile the converted pattern. */
export function compiles(p: JsPattern): boolean {
  try {
    new RegExp(`^(?:${p.pattern})$`, p.flags);
    return true;
  } catch {
    return false;
  }
}
