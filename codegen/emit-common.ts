/** Renders `common.ts`: the few types every service's generated types share. */
import { HEADER } from './emit-schema.js';

/** Post, PostOpt, Put, PutOpt: a verb and its pvesh-named alias (create, set), declared once. */
function verbBases(): string {
  const pairs = [
    ['Post', 'POST', 'post', 'create'],
    ['Put', 'PUT', 'put', 'set'],
  ] as const;
  return pairs
    .flatMap(([name, method, verb, alias]) =>
      (['Verb', 'VerbOpt'] as const).map((type) =>
        [
          type === 'Verb'
            ? `/** A path that takes ${method}: \`${verb}\`, and \`${alias}\`, the same verb by pvesh's name. */`
            : `/** A path that takes ${method} whose params may be left out. */`,
          `export interface ${name}${type === 'Verb' ? '' : 'Opt'}<P, R> {`,
          `  /** ${method} to this path (its facts are in the path's comment). */`,
          `  ${verb}: ${type}<P, R>;`,
          `  /** ${method} to this path, as \`${verb}\`. */`,
          `  ${alias}: ${type}<P, R>;`,
          '}',
          '',
        ].join('\n'),
      ),
    )
    .join('\n');
}

export function emitCommon(): string {
  return `${HEADER}// Types shared by the generated per-service types.

/** A task id as the server returns it, \`UPID:node:...\`; follow it with the tasks API. */
export type Upid = string & { readonly __brand: 'Upid' };

/** PDM: the id of a task on a managed remote, \`remote!UPID:...\`. */
export type RemoteUpid = string & { readonly __brand: 'RemoteUpid' };

/** A boolean parameter: the SDK sends \`1\`/\`0\`. */
export type Bool = boolean | 0 | 1;

/** The parameters of a method that takes none. */
export type NoParams = Record<string, never>;

/**
 * What a call looks like: the type of its options argument, whether it blocks
 * (\`sync: true\`, the sync facade) or returns a promise, and what a waited-for task
 * resolves to (the options' \`wait\`).
 */
export interface CallShape {
  options: object;
  sync: boolean;
  taskStatus: unknown;
}

/** The whole answer body, asked for with the options' \`envelope: true\`. */
export interface Envelope<R> {
  data: R;
  total?: number;
  changes?: unknown;
  [key: string]: unknown;
}

/**
 * The result of a call given its options \`O\`: the envelope when asked for, the final task
 * status when a task was waited for, else the method's result \`R\`.
 */
export type Outcome<C extends CallShape, O, R> = O extends { envelope: true }
  ? Envelope<R>
  : O extends { wait: true | object }
    ? [Extract<R, Upid | RemoteUpid>] extends [never]
      ? R
      : C['taskStatus'] | Exclude<R, Upid | RemoteUpid>
    : R;

/**
 * A verb of a path whose params \`P\` has required keys, answering \`R\`. The generated tree
 * names only the two types; how a verb is called (its options, a promise or a value) is the
 * SDK's, declared by merging into this interface (src/typed/api.ts). That keeps the tree free
 * of type parameters: nothing in it is instantiated anew per call shape.
 */
export interface Verb<P, R> {}

/** A verb whose params may be left out (merged into like \`Verb\`). */
export interface VerbOpt<P, R> {}

${verbBases()}
/** The answer of a call: the result, or a promise of it. */
export type Answer<C extends CallShape, O, R> = C['sync'] extends true ? Outcome<C, O, R> : Promise<Outcome<C, O, R>>;
`;
}
