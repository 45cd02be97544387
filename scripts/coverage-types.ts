/**
 * Coverage of the typed API: per service, the methods of the upstream schema against those
 * in the generated schema table, the route map and the fluent tree. They must match;
 * the only methods left out are PBS's HTTP/2 protocol trees, counted apart.
 * Run: npx tsx scripts/coverage-types.ts (exit 1 on a mismatch).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readApidoc, schemaDir } from '../codegen/read.js';
import type { RawNode } from '../codegen/types.js';
import { SERVICE_IDS } from '../codegen/types.js';
import type { SchemaNode } from '../src/generated/schema-types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PROTOCOL_TREES = new Set(['/backup/_upgrade_', '/reader/_upgrade_']);

function upstream(nodes: readonly RawNode[]): { rest: Set<string>; protocol: number } {
  const rest = new Set<string>();
  let protocol = 0;
  const walk = (n: RawNode, skipped: boolean): void => {
    const skip = skipped || PROTOCOL_TREES.has(n.path);
    for (const verb of Object.keys(n.info ?? {})) {
      if (skip) protocol++;
      else rest.add(`${verb} ${n.path}`);
    }
    for (const c of n.children ?? []) walk(c, skip);
  };
  for (const n of nodes) walk(n, false);
  return { rest, protocol };
}

function table(root: SchemaNode): Set<string> {
  const out = new Set<string>();
  const walk = (n: SchemaNode): void => {
    for (const m of Object.values(n.methods)) if (m) out.add(`${m.method} ${m.path}`);
    n.children.forEach(walk);
  };
  walk(root);
  return out;
}

const routeLine = /^ {2}"((?:GET|POST|PUT|DELETE) \/[^"]*)": \{/gm;
const treeDoc = /^ {2}\/\*\* ((?:GET|POST|PUT|DELETE) \/\S*) /gm;
const keys = (text: string, re: RegExp) => new Set([...text.matchAll(re)].map((m) => m[1] ?? ''));

async function main(): Promise<number> {
  const rows: string[][] = [
    [
      'service',
      'schema',
      'table',
      'routes',
      'fluent',
      'skipped (HTTP/2 protocol)',
      'tasks (Upid)',
      'result unknown',
      'ok',
    ],
  ];
  let failed = false;
  for (const svc of SERVICE_IDS) {
    const { rest, protocol } = upstream(readApidoc(schemaDir(repoRoot), svc));
    const mod = (await import(`../src/generated/${svc}/schema.js`)) as { root: SchemaNode };
    const inTable = table(mod.root);
    const gen = path.join(repoRoot, 'src/generated', svc);
    const routesText = readFileSync(path.join(gen, 'types.d.ts'), 'utf8');
    const routes = keys(routesText.slice(routesText.indexOf('export interface Routes {')), routeLine);
    const fluent = keys(readFileSync(path.join(gen, 'tree.d.ts'), 'utf8'), treeDoc);
    const unknown = routesText.match(/returns: unknown;/g)?.length ?? 0;
    const tasks = routesText.match(/returns: (Remote)?Upid( \| null)?;/g)?.length ?? 0;
    const same = (s: Set<string>) => s.size === rest.size && [...rest].every((k) => s.has(k));
    const ok = same(inTable) && same(routes) && same(fluent);
    failed ||= !ok;
    rows.push([
      svc.toUpperCase(),
      String(rest.size),
      String(inTable.size),
      String(routes.size),
      String(fluent.size),
      String(protocol),
      String(tasks),
      String(unknown),
      ok ? 'yes' : 'NO',
    ]);
    if (!ok) {
      for (const [name, s] of [
        ['table', inTable],
        ['routes', routes],
        ['fluent', fluent],
      ] as const) {
        const missing = [...rest].filter((k) => !s.has(k));
        if (missing.length) console.error(`${svc} ${name} misses: ${missing.slice(0, 10).join(', ')}`);
      }
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(rows[0]!));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
  return failed ? 1 : 0;
}

process.exitCode = await main();
