/**
 * yaml, loaded on first use: most programs never read a YAML file, and loading the
 * library costs every start of the `proxmox` command ~10 ms. Synchronous, since the
 * profile and credentials readers are.
 */
import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');

let loaded: Yaml | undefined;

export function yaml(): Yaml {
  loaded ??= createRequire(import.meta.url)('yaml') as Yaml;
  return loaded;
}
