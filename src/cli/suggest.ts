/**
 * "Did you mean ...?" for a mistyped option or parameter name: names that begin with what
 * was typed (`-o` for `--output-format`), or are a small edit away from it (`--outptu-format`).
 */

/** Levenshtein distance, for short names only. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Up to `max` known names close to `typed`, best first. */
export function closestNames(typed: string, known: Iterable<string>, max = 3): string[] {
  const scored: [number, string][] = [];
  for (const name of new Set(known)) {
    if (name === typed) continue;
    if (name.startsWith(typed) || (typed.length >= 4 && typed.startsWith(name))) {
      scored.push([0, name]);
      continue;
    }
    const d = distance(typed, name);
    // One edit in four characters is a typo; more is another word.
    if (d <= Math.max(1, Math.floor(typed.length / 4))) scored.push([d, name]);
  }
  scored.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
  return scored.slice(0, max).map(([, name]) => name);
}

/** ` (did you mean --a or --b?)`, or '' when nothing is close. */
export function didYouMean(typed: string, known: Iterable<string>): string {
  const names = closestNames(typed, known).map((n) => `--${n}`);
  if (names.length === 0) return '';
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  return ` (did you mean ${list}?)`;
}
