/**
 * Uploading over a file that is already on the storage, through the SDK over HTTPS. The
 * simulator follows pve-storage src/PVE/API2/Storage/Status.pm, the upload method: no check
 * for an existing target ("we simply overwrite the destination file if it already exists"),
 * the checksum checked in the imgcopy task first, then the task log names the node, the
 * target file below the storage's path (Plugin.pm $vtype_subdirs), its size and the copy.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskFailedError } from '../../src/core/errors.js';
import type { ProxmoxSDK } from '../../src/sdk/proxmox-sdk.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.js';
import { rootClient } from '../console/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'pxupload-'));
let sim: RunningSimulator;
let px: ProxmoxSDK;

beforeAll(async () => {
  sim = await startSimulator({ taskDurationMs: 10 });
  px = rootClient(sim);
});
afterAll(async () => {
  await px?.close();
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

function localFile(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

async function taskLog(upid: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of px.tasks.log(upid)) lines.push(line);
  return lines;
}

const isos = async (volid: string) =>
  ((await px.nodes('pve1').storage('local').content.get({ content: 'iso' })) as { volid: string }[]).filter(
    (v) => v.volid === volid,
  );

const upload = (name: string, bytes: Buffer, checksum?: 'sha256' | { algorithm: string; value: string }) =>
  px.files.upload({
    node: 'pve1',
    storage: 'local',
    content: 'iso',
    file: localFile(name, bytes),
    ...(checksum === undefined ? {} : { checksum }),
  });

describe('upload over an existing file (Status.pm upload)', () => {
  it('overwrites it: the task succeeds, the storage lists one file with the new size', async () => {
    expect((await upload('same.iso', Buffer.alloc(1000, 1))).task?.exitstatus).toBe('OK');
    const second = await upload('same.iso', Buffer.alloc(2500, 2), 'sha256');
    expect(second.task?.exitstatus).toBe('OK');
    expect(second.volid).toBe('local:iso/same.iso');
    expect(await isos('local:iso/same.iso')).toEqual([expect.objectContaining({ size: 2500 })]);

    const log = await taskLog(second.upid);
    const spooled = /^starting file import from: (\/var\/tmp\/pveupload-[0-9a-f]{32})$/.exec(log[0]!)?.[1];
    expect(spooled).toBeDefined();
    expect(log.slice(1)).toEqual([
      'calculating checksum...OK, checksum verified',
      'target node: pve1',
      'target file: /var/lib/vz/template/iso/same.iso',
      'file size is: 2500',
      `command: cp -- ${spooled} /var/lib/vz/template/iso/same.iso`,
      'finished file import successfully',
      'TASK OK',
    ]);
  });

  it('a wrong checksum fails the task before the copy: the existing file stays as it was', async () => {
    await upload('kept.iso', Buffer.alloc(700, 3));
    const bytes = Buffer.alloc(900, 4);
    const wrong = createHash('sha256').update('other bytes').digest('hex');
    const error = await upload('kept.iso', bytes, { algorithm: 'sha256', value: wrong }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'PROXMOX_TASK_FAILED' });
    expect(await isos('local:iso/kept.iso')).toEqual([expect.objectContaining({ size: 700 })]);
    const log = await taskLog((error as TaskFailedError).upid);
    expect(log.slice(1)).toEqual([
      'calculating checksum...',
      `TASK ERROR: checksum mismatch: got '${createHash('sha256').update(bytes).digest('hex')}' != expect '${wrong}'`,
    ]);
  });
});
