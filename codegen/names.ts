/**
 * Readable, deterministic TypeScript names from API paths: `/nodes/{node}/qemu/{vmid}/agent/get-fsinfo`
 * -> `NodesNodeQemuVmidAgentGetFsinfo`; the root is `Root`. Never hashes.
 */

export function pascal(word: string): string {
  return word
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

export function pathTypeName(path: string): string {
  const name = path
    .split('/')
    .filter(Boolean)
    .map((seg) => pascal(seg.replace(/^\{|\}$/g, '')))
    .join('');
  if (name === '') return 'Root';
  return /^[0-9]/.test(name) ? `P${name}` : name;
}

/** Hands out unique names: a second `X` becomes `X2`, in call order (which the caller keeps sorted). */
export class NameRegistry {
  readonly #used = new Set<string>();
  constructor(reserved: Iterable<string> = []) {
    for (const r of reserved) this.#used.add(r);
  }
  take(wanted: string): string {
    let name = wanted;
    for (let i = 2; this.#used.has(name); i++) name = `${wanted}${i}`;
    this.#used.add(name);
    return name;
  }
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property key as written in a type literal: bare when an identifier, else quoted. */
export function propertyKey(key: string): string {
  return IDENT.test(key) ? key : JSON.stringify(key);
}

export const VERB_OF = { GET: 'Get', POST: 'Post', PUT: 'Put', DELETE: 'Delete' } as const;
