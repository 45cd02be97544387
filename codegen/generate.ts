/** Everything the generator writes, as a map from path (below src/generated) to text. Pure but for reading input. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { emitCommon } from './emit-common.js';
import { emitSchema, emitSchemaTypes, HEADER } from './emit-schema.js';
import { emitTree } from './emit-tree.js';
import { emitTypes } from './emit-types.js';
import { buildModel } from './model.js';
import { normaliseTree } from './normalise.js';
import { collectKeyEvidence } from './numbered.js';
import { readApidoc } from './read.js';
import { SERVICE_IDS } from './types.js';

/** How each product sends booleans in results (PROTOCOL.md; mirrors src/core/services.ts). */
const BOOLEANS = { pve: 'int', pmg: 'int', pbs: 'bool', pdm: 'bool' } as const;

function emitIndex(svc: string): string {
  return (
    HEADER +
    `// ${svc.toUpperCase()}: the route names, the fluent root and the schema table.\n` +
    "export type { RouteKeys } from './types.js';\n" +
    "export type { Root } from './tree.js';\n" +
    "export { root, schema } from './schema.js';\n"
  );
}

export interface Generated {
  files: Map<string, string>;
  warnings: string[];
}

export function generate(inputDir: string, repoRoot: string): Generated {
  const raw = SERVICE_IDS.map((s) => readApidoc(inputDir, s));
  const evidence = collectKeyEvidence(raw);
  const warnings: string[] = [];
  const files = new Map<string, string>();
  const model = readFileSync(path.join(repoRoot, 'codegen/schema-model.ts'), 'utf8');
  files.set('schema-types.ts', emitSchemaTypes(model));
  files.set('common.d.ts', emitCommon());
  SERVICE_IDS.forEach((svc, i) => {
    const root = normaliseTree(raw[i] ?? [], { evidence, warnings });
    files.set(`${svc}/schema.ts`, emitSchema(root, svc));
    const m = buildModel(root);
    const booleans = BOOLEANS[svc];
    files.set(`${svc}/types.d.ts`, emitTypes(m, svc, booleans));
    files.set(`${svc}/tree.d.ts`, emitTree(m, svc, booleans));
    files.set(`${svc}/index.ts`, emitIndex(svc));
  });
  files.set('README.md', readme());
  return { files, warnings };
}

function readme(): string {
  return `# src/generated: written by codegen/, do not edit

Everything here is produced by \`npm run codegen\` from the Proxmox API viewer schemas in
\`../shared/schemas\` and committed, so a fresh clone builds without them. CI runs
\`npm run codegen -- --check\`, which fails when these files differ from a fresh run.

- \`schema-types.ts\`: the types of the runtime schema table (a copy of \`codegen/schema-model.ts\`).
- \`common.d.ts\`: \`Upid\`, \`RemoteUpid\`, \`Bool\`, \`NoParams\`, \`Envelope\`, \`CallShape\`, \`Answer\`,
  \`Verb\`, \`VerbOpt\`, \`Post\`, \`PostOpt\`, \`Put\`, \`PutOpt\`.
- \`<service>/types.d.ts\`: parameter and result types of every method; \`RouteKeys\`, the
  routes' names (\`'GET /nodes/{node}/qemu'\`; \`px.request\` finds their types in the tree); one \`...Format\` interface per distinct property-string
  format and \`PropertyStrings\`, those formats by route and parameter.
- \`<service>/tree.d.ts\`: the fluent tree, one interface per path (\`NodesNodeQemuVmidStatusStart\`),
  without type parameters; its verbs are \`Verb<Params, Result>\`, called as \`src/typed/api.ts\` declares.
- \`<service>/index.ts\`: re-exports \`RouteKeys\`, \`Root\`, \`root\` and \`schema\`.
- \`<service>/schema.ts\` (pve, pbs, pmg, pdm): the runtime table, \`root\` (the \`/\` node) and
  \`schema\` (its children). Facts only: paths, methods, parameter names, types, enums, ranges,
  patterns (in JavaScript syntax), formats, defaults, optional/required, permissions,
  \`allowtoken\`, \`protected\`, and \`numbered\` (highest index of \`net[n]\`-style parameters).
  No upstream description text: users can fetch their server's own viewer schema for that.

Generated code imports nothing hand-written. The pure type modules are \`.d.ts\` so that
\`skipLibCheck\` spares every compile from re-checking them; \`test/codegen/generated.test.ts\`
checks them once, in full.
`;
}
