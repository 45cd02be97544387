/**
 * The `yaml` package, an optional peer dependency: our own reader (yaml-read.ts) handles
 * the YAML of config files, and only what it leaves out (anchors, tags, several documents,
 * complex keys) needs the package. Loaded on first use, synchronously (the profile and
 * credentials readers are), and only here: test/architecture.test.ts keeps every other
 * module under src/ from importing it.
 */
import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');

let loaded: Yaml | null | undefined;

/** The yaml package, or undefined when it is not installed. */
export function optionalYaml(): Yaml | undefined {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)('yaml') as Yaml;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
      loaded = null;
    }
  }
  return loaded ?? undefined;
}
