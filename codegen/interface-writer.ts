/**
 * Writes the exported interfaces of types.d.ts so that the compiler binds each member once:
 * the PUT of a path often takes what its POST takes, and PVE's three guest-config methods
 * share ~150 keys. An interface with the very same members as an earlier one extends it; one
 * that shares most of an earlier one's members extends `Omit<Earlier, 'changed' | 'missing'>`
 * and declares only what differs. Either way it keeps its own name (what users read in
 * errors and hovers), and `Omit` (a homomorphic Pick) keeps each member's comment.
 */

/** One member: its comment line (if any) and its declaration. */
interface Member {
  key: string;
  text: string;
}

/** Shares fewer members than this, or less than this share of its own, and it is written out. */
const MIN_SHARED = 8;
const MIN_SHARE = 0.6;

function membersOf(lines: string[]): Member[] {
  const out: Member[] = [];
  let doc = '';
  for (const line of lines) {
    if (line.trimStart().startsWith('/**')) {
      doc = `${line}\n`;
      continue;
    }
    const key = /^\s*("(?:[^"\\]|\\.)*"|\[[^\]]*\]|[A-Za-z_$][\w$]*)/.exec(line)?.[1] ?? line;
    out.push({ key, text: doc + line });
    doc = '';
  }
  return out;
}

/**
 * A string index signature would make `Omit`'s `keyof` a plain string, swallowing every named
 * key: those interfaces are written out. Template-literal ones (PVE's numbered `net0`, `net1`, ...)
 * stay keys of their own that Pick carries over.
 */
const hasStringIndex = (members: Member[]): boolean => members.some((m) => m.key.startsWith('[key: string]'));

export class InterfaceWriter {
  readonly #byBody = new Map<string, string>();
  readonly #earlier: { name: string; byKey: Map<string, string> }[] = [];
  constructor(readonly out: string[]) {}

  write(name: string, lines: string[]): void {
    const body = lines.join('\n');
    const same = this.#byBody.get(body);
    if (same) {
      this.out.push(`export interface ${name} extends ${same} {}`, '');
      return;
    }
    this.#byBody.set(body, name);
    const members = membersOf(lines);
    const base = hasStringIndex(members) ? undefined : this.#closest(members);
    if (!base) this.out.push(`export interface ${name} {`, ...lines, '}', '');
    else {
      const own = members.filter((m) => base.byKey.get(m.key) !== m.text);
      const dropped = [...base.byKey.keys()].filter(
        (k) => !members.some((m) => m.key === k && m.text === base.byKey.get(k)),
      );
      const omitted = dropped.map((k) => (k.startsWith('"') ? k : JSON.stringify(k))).join(' | ');
      const heritage = dropped.length ? `Omit<${base.name}, ${omitted}>` : base.name;
      this.out.push(`export interface ${name} extends ${heritage} {`, ...own.map((m) => m.text), '}', '');
    }
    if (!hasStringIndex(members))
      this.#earlier.push({ name, byKey: new Map(members.map((m) => [m.key, m.text])) });
  }

  /** The earlier interface sharing the most members, if it shares enough. */
  #closest(members: Member[]): { name: string; byKey: Map<string, string> } | undefined {
    let best: { name: string; byKey: Map<string, string> } | undefined;
    let bestShared = 0;
    for (const e of this.#earlier) {
      const shared = members.filter((m) => e.byKey.get(m.key) === m.text).length;
      if (shared > bestShared) {
        best = e;
        bestShared = shared;
      }
    }
    if (bestShared < MIN_SHARED || bestShared < MIN_SHARE * members.length) return undefined;
    // An index signature the new one lacks cannot be named in Omit's key list.
    const dropsIndex = [...(best?.byKey ?? [])].some(
      ([k, text]) => k.startsWith('[') && !members.some((m) => m.text === text),
    );
    return dropsIndex ? undefined : best;
  }
}
