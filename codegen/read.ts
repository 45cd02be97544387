/** Reads the upstream apidoc files; nothing else in the generator touches the file system for input. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RawNode, ServiceId } from './types.js';

export function schemaDir(repoRoot: string): string {
  return path.resolve(repoRoot, '../shared/schemas');
}

export function readApidoc(dir: string, service: ServiceId): RawNode[] {
  const file = path.join(dir, `${service}-apidoc.json`);
  if (!existsSync(file)) {
    throw new Error(`${file} not found: the generator reads the upstream schemas from ../shared/schemas`);
  }
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(data)) throw new Error(`${file}: expected a JSON array of API nodes`);
  return data as RawNode[];
}
