/**
 * Editing the profile store by lines (src/config/yaml-edit.ts, used by profiles.ts): the
 * changed entry is rewritten, every other line stays as written; where the layout does not
 * allow that, the whole document is written and still reads back as the changed data.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Document, parse as oracleParse } from 'yaml';
import { parseSecretText } from '../../src/config/credentials-file.js';
import {
  getProfile,
  listProfiles,
  readProfileConfig,
  removeProfile,
  saveProfile,
  setDefaultProfile,
} from '../../src/config/profiles.js';
import { setIn } from '../../src/config/yaml-edit.js';
import { readYaml } from '../../src/config/yaml-read.js';

describe('setIn', () => {
  const text =
    '# top\ndefault: a # the usual\nprofiles:\n    a:\n        host: a.example # first\n    # between\n    b:\n        host: b.example\n# tail\n';

  it('replaces one entry and keeps every other line, at the file own indentation', () => {
    const whole = { default: 'a', profiles: { a: { host: 'a2' }, b: { host: 'b.example' } } };
    expect(setIn(text, ['profiles', 'a'], { host: 'a2' }, whole)).toBe(
      '# top\ndefault: a # the usual\nprofiles:\n    a:\n      host: a2\n    # between\n    b:\n        host: b.example\n# tail\n',
    );
  });

  it('appends a new entry after the last one, before trailing comments', () => {
    const out = setIn(text, ['profiles', 'c'], { host: 'c', port: 8006 }, {})!;
    expect(out).toBe(
      '# top\ndefault: a # the usual\nprofiles:\n    a:\n        host: a.example # first\n    # between\n    b:\n        host: b.example\n    c:\n      host: c\n      port: 8006\n# tail\n',
    );
    expect(readYaml(out)).toEqual(oracleParse(out));
  });

  it('removes an entry and a top-level key', () => {
    let out = setIn(text, ['profiles', 'a'], undefined, {})!;
    out = setIn(out, ['default'], undefined, {})!;
    expect(out).toBe('# top\nprofiles:\n    # between\n    b:\n        host: b.example\n# tail\n');
  });

  it('creates the mapping in an empty or comment-only file', () => {
    const whole = { profiles: { x: { host: 'h' } } };
    expect(setIn('', ['profiles', 'x'], { host: 'h' }, whole)).toBe('profiles:\n  x:\n    host: h\n');
    expect(setIn('# mine\n', ['profiles', 'x'], { host: 'h' }, whole)).toBe(
      '# mine\nprofiles:\n  x:\n    host: h\n',
    );
    expect(setIn('profiles:\n', ['profiles', 'x'], { host: 'h' }, whole)).toBe(
      'profiles:\n  x:\n    host: h\n',
    );
  });

  it('rewrites an entry whose value is not a block mapping (profiles: {})', () => {
    const whole = { profiles: { x: { host: 'h' } } };
    expect(setIn('# c\nprofiles: {}\n', ['profiles', 'x'], { host: 'h' }, whole)).toBe(
      '# c\nprofiles:\n  x:\n    host: h\n',
    );
  });

  it('answers undefined where the layout is not block mappings', () => {
    expect(setIn('{profiles: {}}\n', ['default'], 'a', {})).toBeUndefined();
    expect(setIn('--- {a: 1}\n', ['default'], 'a', {})).toBeUndefined();
    expect(setIn('- a\n', ['default'], 'a', {})).toBeUndefined();
  });

  it('keeps the document markers', () => {
    expect(setIn('---\na: 1\n...\n', ['b'], 2, {})).toBe('---\na: 1\nb: 2\n...\n');
  });
});

const root = mkdtempSync(join(tmpdir(), 'pxyamledit-'));
afterAll(() => rm(root, { recursive: true, force: true }));
let n = 0;
function store(text: string) {
  const dir = join(root, `s${n++}`, 'proxmox');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'config.yaml');
  writeFileSync(path, text, { mode: 0o600 });
  return { path, env: { XDG_CONFIG_HOME: join(dir, '..') } };
}

describe('the profile store', () => {
  it('reads and edits a file written by the previous version (the yaml package Document)', async () => {
    const doc = new Document({
      default: 'lab',
      profiles: { lab: { host: ['a', 'b'], tokenName: 'ci', verifySsl: false, ca: 'PEM\nLINES\n' } },
    });
    const { env, path } = store(doc.toString());
    expect(await getProfile('lab', { env })).toEqual({
      host: ['a', 'b'],
      tokenName: 'ci',
      verifySsl: false,
      ca: 'PEM\nLINES\n',
    });
    await saveProfile('prod', { host: 'yes', user: 'u@pve', password: '0123' }, { env });
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith(doc.toString())).toBe(true);
    // The previous version (the yaml package) reads what we wrote as we do.
    expect(oracleParse(text).profiles.prod).toEqual({ host: 'yes', user: 'u@pve', password: '0123' });
    expect(await getProfile('prod', { env })).toEqual({ host: 'yes', user: 'u@pve', password: '0123' });
  });

  it('sets and clears the default beside the comments', async () => {
    const { env, path } = store('# profiles\nprofiles:\n  a:\n    host: a # A\n  b:\n    host: b\n');
    await setDefaultProfile('b', { env });
    expect(readFileSync(path, 'utf8')).toBe(
      '# profiles\nprofiles:\n  a:\n    host: a # A\n  b:\n    host: b\ndefault: b\n',
    );
    expect(await removeProfile('b', { env })).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('# profiles\nprofiles:\n  a:\n    host: a # A\n');
    expect((await listProfiles({ env })).map((p) => p.name)).toEqual(['a']);
  });

  it('writes the whole document when a line edit would not read back (a kept block scalar at the end)', async () => {
    const { env, path } = store('profiles:\n  a:\n    host: a\n    ca: |+\n      kept\n\n');
    await saveProfile('b', { host: 'b' }, { env });
    const config = readProfileConfig({ path });
    expect(config.profiles).toEqual({ a: { host: 'a', ca: 'kept\n\n' }, b: { host: 'b' } });
    expect(oracleParse(readFileSync(path, 'utf8'))).toEqual({ profiles: config.profiles });
  });

  it('writes a flow-style profiles mapping as block YAML, keeping the comments around it', async () => {
    const { env, path } = store('# mine\nprofiles: {a: {host: a}}\n');
    await saveProfile('b', { host: 'b' }, { env });
    expect(readFileSync(path, 'utf8')).toBe('# mine\nprofiles:\n  a:\n    host: a\n  b:\n    host: b\n');
  });
});

describe('YAML our reader leaves out, with the yaml package installed', () => {
  it('a credentials file with anchors is read by the package', () => {
    expect(parseSecretText('base: &b pve.example\nhost: *b\n', 'creds.yaml')).toEqual({
      base: 'pve.example',
      host: 'pve.example',
    });
  });

  it("the package's refusal keeps only its line and code", () => {
    const secret = 'hunter2-s3cret';
    expect(() => parseSecretText(`a: &x 1\nb: *nope ${secret}\n`, 'creds.yaml')).toThrow(
      /^creds\.yaml: not valid YAML: line \d+: refused by the yaml package \([A-Z_]+\)$/,
    );
  });
});
