/**
 * Credentials files and the profile store (issue 9): files that group or others may read
 * are refused (and the refusal never quotes them), profiles are written 0600 through a
 * new file renamed into place, readers never see half a file, and a config that is a
 * symbolic link is neither followed nor replaced when writing.
 */
import { execFileSync } from 'node:child_process';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionsFromFile, saveProfile } from '../../src/config/config.js';
import { readCredentialsSync } from '../../src/config/credentials-file.js';
import { readProfileConfig } from '../../src/config/profiles.js';
import { isInvalidArgumentError, ProxmoxSDK } from '../../src/index.js';

const SECRET = 'cred-File-Secret-93f1';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'proxmox-creds-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a refusal');
}

describe('credentials files', () => {
  const body = JSON.stringify({ host: 'pve.example', user: 'root@pam', password: SECRET });

  for (const mode of [0o644, 0o640, 0o604, 0o660, 0o606, 0o610]) {
    it(`refuses a file with mode ${mode.toString(8)}, without quoting it`, async () => {
      const file = join(dir, `loose-${mode.toString(8)}.json`);
      await writeFile(file, body);
      await chmod(file, mode);
      const error = await failure(optionsFromFile(file));
      expect(isInvalidArgumentError(error)).toBe(true);
      expect(error.message).toContain('chmod 600');
      expect(error.message).not.toContain(SECRET);
    });
  }

  it('reads 0600 and 0400 files', async () => {
    for (const mode of [0o600, 0o400]) {
      const file = join(dir, `tight-${mode.toString(8)}.json`);
      await writeFile(file, body);
      await chmod(file, mode);
      expect(await optionsFromFile(file)).toMatchObject({ host: 'pve.example', password: SECRET });
    }
  });

  it('refuses a secret directory (Kubernetes style) holding a readable key file', async () => {
    const secretDir = join(dir, 'k8s');
    await mkdir(secretDir);
    for (const [key, value] of [
      ['host', 'pve.example'],
      ['user', 'root@pam'],
      ['password', SECRET],
    ]) {
      await writeFile(join(secretDir, key!), `${value}\n`, { mode: 0o600 });
    }
    expect(await optionsFromFile(secretDir)).toMatchObject({ password: SECRET });
    await chmod(join(secretDir, 'password'), 0o644);
    const error = await failure(optionsFromFile(secretDir));
    expect(isInvalidArgumentError(error)).toBe(true);
    expect(error.message).not.toContain(SECRET);
  });

  it('a malformed file is refused by position, never by quoting its text', async () => {
    for (const [name, text] of [
      ['bad.json', `{"password": "${SECRET}",,}`],
      ['bad.yaml', `password: ${SECRET}\n  - : [`],
    ]) {
      const file = join(dir, name!);
      await writeFile(file, text!, { mode: 0o600 });
      const error = await failure(optionsFromFile(file));
      expect(isInvalidArgumentError(error)).toBe(true);
      expect(`${error.message}\n${error.stack}\n${JSON.stringify(error)}`).not.toContain(SECRET);
    }
  });
});

describe('profile store', () => {
  it('writes 0600 in a 0700 directory, leaves no temporary file, keeps other profiles', async () => {
    const path = join(dir, 'store1', 'proxmox', 'config.yaml');
    await saveProfile('lab', { host: 'pve.lab', user: 'root@pam', password: SECRET }, { path });
    await saveProfile(
      'prod',
      { host: 'pve.prod', user: 'ci@pve', tokenName: 'ci', tokenValue: SECRET },
      { path },
    );
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'store1', 'proxmox'))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(dir, 'store1', 'proxmox'))).toEqual(['config.yaml']);
    expect(Object.keys(readProfileConfig({ path }).profiles).sort()).toEqual(['lab', 'prod']);
  });

  it('concurrent writers all land and readers never see a partial file', async () => {
    const path = join(dir, 'store2', 'config.yaml');
    await saveProfile('seed', { host: 'h0', user: 'root@pam', password: SECRET }, { path });
    let reads = 0;
    let writing = true;
    const reader = (async () => {
      // Bounded: stops when the writers are done.
      while (writing) {
        const config = readProfileConfig({ path });
        expect(config.profiles.seed).toBeDefined();
        reads++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        saveProfile(`p${i}`, { host: `h${i}`, user: 'root@pam', password: `${SECRET}-${i}` }, { path }),
      ),
    );
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect(Object.keys(readProfileConfig({ path }).profiles)).toHaveLength(13);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('refuses to write through a symbolic link; the link and its target stay as they were', async () => {
    const store = join(dir, 'store3');
    await mkdir(store, { mode: 0o700 });
    const target = join(dir, 'elsewhere.yaml');
    await writeFile(target, 'profiles: {}\n', { mode: 0o600 });
    const path = join(store, 'config.yaml');
    await symlink(target, path);
    const error = await failure(
      saveProfile('x', { host: 'h', user: 'root@pam', password: SECRET }, { path }),
    );
    expect(isInvalidArgumentError(error)).toBe(true);
    expect((await lstat(path)).isSymbolicLink()).toBe(true);
    expect(await readFile(target, 'utf8')).toBe('profiles: {}\n');
    expect((await readdir(store)).filter((n) => n !== 'config.yaml')).toEqual([]);
  });

  it('refuses to edit a config that others may read, and leaves it untouched', async () => {
    const path = join(dir, 'store4.yaml');
    await writeFile(path, 'profiles: {}\n');
    await chmod(path, 0o644);
    const error = await failure(
      saveProfile('x', { host: 'h', user: 'root@pam', password: SECRET }, { path }),
    );
    expect(isInvalidArgumentError(error)).toBe(true);
    expect(await readFile(path, 'utf8')).toBe('profiles: {}\n');
  });

  it('issue 15.11: a FIFO as credentials file, profile store, key file or secret-directory entry is refused, not waited on', async () => {
    const fifo = join(dir, 'creds.fifo');
    execFileSync('mkfifo', ['-m', '0600', fifo]);
    // No writer ever opens the FIFO: a blocking read would hang these calls forever.
    const fromFile = await failure(optionsFromFile(fifo));
    expect(fromFile.message).toBe(`credentials ${fifo} is a FIFO; expected a regular file`);
    expect(() => readCredentialsSync(fifo)).toThrow(/is a FIFO; expected a regular file/);
    expect(() => readProfileConfig({ path: fifo })).toThrow(`profiles ${fifo} is a FIFO`);
    expect(() => new ProxmoxSDK({ host: 'h', user: 'u@pam', password: SECRET, ca: fifo })).toThrow(
      'option ca: neither PEM text nor a readable file (it is a FIFO)',
    );
    const secretDir = join(dir, 'k8s-fifo');
    await mkdir(secretDir);
    await writeFile(join(secretDir, 'host'), 'pve.example.com', { mode: 0o600 });
    execFileSync('mkfifo', ['-m', '0600', join(secretDir, 'password')]);
    // Not a regular file: not a key (as Kubernetes' own non-file entries are not).
    expect(await optionsFromFile(secretDir)).toEqual({ host: 'pve.example.com' });
    expect(() => readCredentialsSync('/dev/null')).toThrow('credentials /dev/null is a device');
  });
});
