/**
 * One source per fact (issue 20.4): the simulator asks SERVICES which server family a
 * product runs (`perlServer`) and how it writes booleans, instead of naming product pairs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICES } from '../../src/core/services.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** `x === 'PVE' || x === 'PMG'`, `x === 'PBS' || x === 'PDM'` and their negations, either order. */
const FAMILY_BY_NAME =
  /(\b[\w.]+) [!=]== '(PVE|PMG|PBS|PDM)' (\|\||&&) \1 [!=]== '(PVE|PMG|PBS|PDM)'|new Set\(\['(PBS|PVE)', '(PDM|PMG)'\]\)/;

describe('service facts', () => {
  it('the Perl family is PVE and PMG (pve-http-server), the Rust one PBS and PDM (proxmox-rest-server)', () => {
    expect(
      Object.values(SERVICES)
        .filter((s) => s.perlServer)
        .map((s) => s.name),
    ).toEqual(['PVE', 'PMG']);
    // pve-common JSONSchema.pm writes booleans as integers, proxmox-schema as true/false.
    for (const s of Object.values(SERVICES)) expect(s.booleans === 'int').toBe(s.perlServer);
  });

  it('no simulator module names a product pair for a family rule', () => {
    const offenders = sources('src/simulator').flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ file, line: i + 1, text: line.trim() }))
        .filter((l) => FAMILY_BY_NAME.test(l.text)),
    );
    expect(offenders).toEqual([]);
  });
});
