/**
 * Writes the exported interfaces of types.d.ts so that the compiler binds each member once:
 * the PUT of a path often takes what its POST takes, less a key or two. An interface with the very same members as an earlier one extends it; one
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
 * Only interfaces without index signatures take part: a string one would make `Omit`'s `keyof`
 * a plain string, swallowing every named key, and a template-literal one (PVE's numbered
 * `net0`, `net1`, ...) made each check of a call's params against the Omit cost ~40 ms
 * (measured with --generateTrace on the footprint job's `config.put({ cores: 4 })`).
 */
const hasIndex = (members: Member[]): boolean => members.some((m) => m.key.startsWith('['));

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
    const base = hasIndex(members) ? undefined : this.#closest(members);
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
    // Only those written out in full become bases: an Omit of an Omit costs the checker again.
    if (!base && !hasIndex(members))
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
    return bestShared >= MIN_SHARED && bestShared >= MIN_SHARE * members.length ? best : undefined;
  }
}
