/**
 * ProxmoxSDK: options -> transport + auth -> the fluent root. Lazy by default (logs in on
 * the first request); `ProxmoxSDK.connect()` logs in at once and fails fast.
 */
import type { Authenticator } from '../auth/authenticator.js';
import { TicketAuth } from '../auth/ticket.js';
import { TokenAuth } from '../auth/token.js';
import { expandRoute, pathNode } from '../client/path.js';
import { Pipeline, type PipelineParts } from '../client/pipeline.js';
import { optionsFromEnv, optionsFromFile, optionsFromProfile } from '../config/config.js';
import { ConsoleHelper } from '../console/console-helper.js';
import { GuestAgent } from '../console/guest-agent.js';
import { InvalidArgumentError, ResourceException } from '../core/errors.js';
import { maskUrlCredentials, Redactor, urlSecrets } from '../core/redact.js';
import type { ServiceName } from '../core/services.js';
import type { HttpMethod, Params } from '../core/types.js';
import { FileHelper } from '../files/files.js';
import type { CallOptions } from '../options/call-options.js';
import {
  isSecretOptionKey,
  type ProxmoxOptions,
  SECRET_OPTION_KEYS,
  type ServiceInput,
  type ServiceOf,
} from '../options/options.js';
import { type ResolvedOptions, resolveOptions } from '../options/resolve.js';
import { createSyncClient, type SyncClient } from '../sync/sync.js';
import { TaskHelper, waitIfTask } from '../tasks/tasks.js';
import { createTransport } from '../transports/create.js';
import type { Transport } from '../transports/transport.js';
import type { ApiRoot } from '../typed/api.js';
import type { RequestFn } from '../typed/routes.js';

/** `request` of a client whose service is not known at compile time. */
export type LooseRequest = <T = any>(route: string, params?: Params, options?: CallOptions) => Promise<T>;

/** What every client has besides the API paths. */
export interface ClientCore<S extends ServiceName = ServiceName> {
  /** The product this client talks to. */
  readonly service: S;
  /**
   * Calls a route by its schema path: `px.request('GET /nodes/{node}/qemu', { node: 'pve1' })`.
   * Placeholders are filled from the parameters. A route the schema does not know needs
   * `rawRoute('GET /new/path')`, so that a typo is a compile error.
   */
  readonly request: [ServiceName] extends [S] ? LooseRequest : RequestFn<S>;
  /** The resolved options, secrets masked (safe to log or inspect). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Waiting for tasks and following their logs. */
  readonly tasks: TaskHelper;
  /** Uploads to storage and downloads. */
  readonly files: FileHelper;
  /** The QEMU guest agent of a VM: exec with exit code and output, files, waiting for it. */
  agent(node: string, vmid: number): GuestAgent;
  /** Terminals (VM serial, container console, node shell) and VNC, as Node streams (https backend). */
  readonly consoles: ConsoleHelper;
  /** Logs in now (a no-op for tokens until the first request checks them). */
  login(): Promise<void>;
  /** Finishes requests in flight and releases connections. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A client of one product: `ProxmoxClient<'PBS'>` (or `'pbs'`). `ProxmoxClient<ServiceName>`
 * is the loose client of code that learns the product only at run time (any path, `any` results).
 */
export type ProxmoxClient<S extends ServiceInput = 'PVE'> = ClientCore<ServiceOf<S>> & ApiRoot<ServiceOf<S>>;
/** A Proxmox VE client, as `ProxmoxSDK.connect({ host, ... })` returns it. */
export type PveClient = ProxmoxClient<'PVE'>;
/** A Proxmox Backup Server client (`service: 'PBS'`). */
export type PbsClient = ProxmoxClient<'PBS'>;
/** A Proxmox Mail Gateway client (`service: 'PMG'`). */
export type PmgClient = ProxmoxClient<'PMG'>;
/** A Proxmox Datacenter Manager client (`service: 'PDM'`). */
export type PdmClient = ProxmoxClient<'PDM'>;

/**
 * Every member of ClientCore, listed once: `satisfies` makes a member added to the interface
 * and not here (or listed here and not there) a compile error. Every other key is an API path.
 */
const CORE_MEMBERS = {
  service: true,
  options: true,
  request: true,
  tasks: true,
  files: true,
  agent: true,
  consoles: true,
  login: true,
  close: true,
  [Symbol.asyncDispose]: true,
} as const satisfies Record<keyof ClientCore, true>;
const CORE_KEYS: ReadonlySet<PropertyKey> = new Set(Reflect.ownKeys(CORE_MEMBERS));

class ClientImpl {
  readonly #options: ResolvedOptions;
  readonly #redactor = new Redactor();
  readonly #auth: Authenticator | undefined;
  readonly #pipeline: Pipeline;
  #transport: Promise<Transport> | undefined;
  /** #transport once it has resolved: what the pipeline uses without awaiting. */
  #ready: Transport | undefined;
  #closed = false;
  #tasks: TaskHelper | undefined;
  #files: FileHelper | undefined;
  #consoles: ConsoleHelper | undefined;

  constructor(options: ProxmoxOptions) {
    this.#options = resolveOptions(options);
    const o = this.#options;
    for (const key of SECRET_OPTION_KEYS) {
      const secret = o[key];
      // A client key given as a file path is no secret (and errors name the path); PEM text is.
      if (typeof secret === 'string' && (key !== 'key' || secret.includes('PRIVATE KEY')))
        this.#redactor.add(secret);
    }
    for (const secret of urlSecrets(o.proxy)) this.#redactor.add(secret);
    this.#auth = this.#makeAuth();
    this.#pipeline = new Pipeline({
      transport: () => this.#getTransport(),
      transportReady: () => this.#ready,
      auth: this.#auth,
      options: o,
      redactor: this.#redactor,
      ...(o.validate ? { validate: validator(o.service.name) } : {}),
    });
  }

  get tasks(): TaskHelper {
    this.#tasks ??= new TaskHelper(this.#pipeline);
    return this.#tasks;
  }

  get files(): FileHelper {
    this.#files ??= new FileHelper(this.#pipeline);
    return this.#files;
  }

  agent(node: string, vmid: number): GuestAgent {
    return new GuestAgent(this.#pipeline, node, vmid);
  }

  get consoles(): ConsoleHelper {
    this.#consoles ??= new ConsoleHelper({
      options: this.#options,
      call: (method, path, params, signal) =>
        this.#pipeline.call({ method, path, params, options: signal === undefined ? {} : { signal } }),
      headers: async (signal) => (await this.#auth?.headers('GET', signal)) ?? {},
    });
    return this.#consoles;
  }

  get service(): ServiceName {
    return this.#options.service.name;
  }

  /** The resolved options, without secrets. */
  get options(): Readonly<Record<string, unknown>> {
    // onTfa and engine are live objects, not settings.
    const live = new Set(['onTfa', 'engine', 'hooks', 'debug']);
    const hidden = (key: string) => isSecretOptionKey(key) || live.has(key);
    const shown = Object.fromEntries(Object.entries(this.#options).filter(([key]) => !hidden(key)));
    // A proxy URL may carry its user and password.
    if (typeof shown.proxy === 'string') shown.proxy = maskUrlCredentials(shown.proxy);
    return shown;
  }

  #makeAuth(): Authenticator | undefined {
    const o = this.#options;
    if (o.auth === 'token') return new TokenAuth(o.service, o.userid!, o.tokenName!, o.tokenValue!);
    if (o.auth === 'ticket') {
      return new TicketAuth(
        o,
        // Through the pipeline, so that a login meeting a 502/503 or a reset is retried.
        (params, signal) =>
          this.#pipeline.send({
            method: 'POST',
            path: '/access/ticket',
            params,
            options: { signal },
            login: true,
          }),
        this.#redactor,
      );
    }
    return undefined;
  }

  #getTransport(): Promise<Transport> {
    if (this.#closed) return Promise.reject(new InvalidArgumentError('this client is closed'));
    if (this.#transport === undefined) {
      const pending = createTransport(this.#options);
      this.#transport = pending;
      pending.then(
        (transport) => {
          if (this.#transport === pending) this.#ready = transport;
        },
        () => {
          if (this.#transport === pending) this.#transport = undefined;
        },
      );
    }
    return this.#transport;
  }

  /** Not `async`: without `wait` the pipeline's promise is the answer, one async frame fewer per call. */
  invoke(
    method: HttpMethod,
    path: string,
    params: Params | undefined,
    options?: CallOptions,
  ): Promise<unknown> {
    const answer = this.#pipeline.call({ method, path, params, options });
    const wait = options?.wait;
    if (!wait) return answer;
    return answer.then((result) => waitIfTask(this.tasks, result, wait));
  }

  request(route: string, params?: Params, options?: CallOptions): Promise<unknown> {
    const { method, path, rest } = expandRoute(route, params);
    return this.invoke(method, path, rest, options);
  }

  async login(): Promise<void> {
    if (this.#auth !== undefined && this.#options.auth === 'ticket') {
      const transport = await this.#getTransport();
      if (transport.needsAuth) return this.#auth.login();
    }
    // Tokens and shell backends have no login: one cheap authenticated call proves the credentials.
    await this.#pipeline.call({ method: 'GET', path: '/version' });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const transport = this.#transport;
    this.#transport = undefined;
    this.#ready = undefined;
    if (transport !== undefined) await (await transport.catch(() => undefined))?.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Option `validate`: parameters checked against the schema before anything is sent. */
function validator(service: ServiceName): NonNullable<PipelineParts['validate']> {
  return async (method, path, params) => {
    const [{ findMethod, loadSchema }, { validateParams }] = await Promise.all([
      import('../schema/lookup.js'),
      import('../schema/validate.js'),
    ]);
    const match = findMethod(await loadSchema(service), method, path);
    // Paths newer than the bundled schema are left to the server to judge.
    if (match?.method === undefined) return;
    const errors = validateParams(match.method, { ...match.pathParams, ...params });
    if (errors !== undefined) {
      const detail = Object.entries(errors)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ');
      throw new ResourceException(
        `${method} ${path}: 400 Parameter verification failed. (${detail}) [checked locally]`,
        {
          method,
          path,
          statusCode: 400,
          statusMessage: 'Parameter verification failed.',
          errors,
        },
      );
    }
  };
}

function rootProxy(impl: ClientImpl): unknown {
  const root = pathNode(
    '',
    (method, path, params, options) => impl.invoke(method, path, params, options),
    true,
  ) as Record<PropertyKey, unknown>;
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(impl, {
    get(target, key) {
      if (CORE_KEYS.has(key)) {
        let value = bound.get(key);
        if (value === undefined) {
          const member = Reflect.get(target, key, target);
          value = typeof member === 'function' ? member.bind(target) : member;
          if (typeof member === 'function') bound.set(key, value);
        }
        return value;
      }
      return root[key as string];
    },
    has: (target, key) => CORE_KEYS.has(key) || key in target,
    set: () => false,
  });
}

/**
 * Each factory has two signatures. Calls always take the first (generic) one: the `service`
 * option picks the client type, PVE when it is left out. The second, PVE-only signature is
 * never chosen by a call (the first accepts everything it does); it is there because
 * `ReturnType`, `InstanceType` and `Parameters` read the last signature, and the generic one
 * read that way gives its constraint, the loose client. So
 * `Awaited<ReturnType<typeof ProxmoxSDK.connect>>` is `PveClient`, as the default service is.
 */
export interface ProxmoxSDKConstructor {
  /** A client that logs in on its first request. */
  new <I extends ServiceInput = 'PVE'>(options: ProxmoxOptions<I>): ProxmoxClient<I>;
  new (options: ProxmoxOptions<PveInput>): PveClient;
  /** A client that has logged in (or checked its token) already; fails fast with AuthenticationError. */
  connect<I extends ServiceInput = 'PVE'>(options: ProxmoxOptions<I>): Promise<ProxmoxClient<I>>;
  connect(options: ProxmoxOptions<PveInput>): Promise<PveClient>;
  /** Options from `PROXMOX_*` environment variables; `overrides` win. */
  fromEnv<I extends ServiceInput = 'PVE'>(overrides?: ProxmoxOptions<I>): ProxmoxClient<I>;
  fromEnv(overrides?: ProxmoxOptions<PveInput>): PveClient;
  /**
   * Options from a credentials file (JSON, YAML, or a directory of one file per key); `overrides` win.
   * The file's service is known only at run time: name it for the types, `fromFile<'PBS'>(path)`.
   */
  fromFile<I extends ServiceInput = 'PVE'>(
    path: string,
    overrides?: ProxmoxOptions<I>,
  ): Promise<ProxmoxClient<I>>;
  fromFile(path: string, overrides?: ProxmoxOptions<PveInput>): Promise<PveClient>;
  /** Options from a named profile (default: the configured default); environment and `overrides` win. */
  fromProfile<I extends ServiceInput = 'PVE'>(
    name?: string,
    overrides?: ProxmoxOptions<I>,
  ): Promise<ProxmoxClient<I>>;
  fromProfile(name?: string, overrides?: ProxmoxOptions<PveInput>): Promise<PveClient>;
  /** The same API with blocking calls, for plain scripts. */
  sync<I extends ServiceInput = 'PVE'>(options: ProxmoxOptions<I>): SyncClient<ServiceOf<I>>;
  sync(options: ProxmoxOptions<PveInput>): SyncClient<'PVE'>;
}

/** How a user may name PVE in the `service` option. */
type PveInput = 'PVE' | 'pve';

class ProxmoxSDKClass {
  constructor(options: ProxmoxOptions) {
    // A constructor may return another object: the client is a proxy over ClientImpl, so that
    // API paths (`px.nodes`) and the core members share one namespace.
    // biome-ignore lint/correctness/noConstructorReturn: the proxy is the instance by design
    return rootProxy(new ClientImpl(options)) as ProxmoxSDKClass;
  }

  static async connect(options: ProxmoxOptions): Promise<ProxmoxClient<ServiceName>> {
    const client = construct(options);
    try {
      await client.login();
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  }

  static fromEnv(overrides: ProxmoxOptions = {}): ProxmoxClient<ServiceName> {
    return construct(optionsFromEnv(process.env, overrides));
  }

  static async fromFile(path: string, overrides: ProxmoxOptions = {}): Promise<ProxmoxClient<ServiceName>> {
    return construct(await optionsFromFile(path, overrides));
  }

  static async fromProfile(
    name?: string,
    overrides: ProxmoxOptions = {},
  ): Promise<ProxmoxClient<ServiceName>> {
    return construct(await optionsFromProfile(name, { overrides }));
  }

  static sync(options: ProxmoxOptions): SyncClient<ServiceName> {
    return createSyncClient(options as Parameters<typeof createSyncClient>[0]);
  }
}

/** The one place the untyped construction meets the generic, per-service signatures. */
const construct = (options: ProxmoxOptions) =>
  new ProxmoxSDKClass(options) as unknown as ProxmoxClient<ServiceName>;

/** The SDK's entry point. See ProxmoxOptions for every option. */
export const ProxmoxSDK = ProxmoxSDKClass as unknown as ProxmoxSDKConstructor;
/** `ProxmoxSDK` as a type is the client: `ProxmoxSDK<'PBS'>` is `ProxmoxClient<'PBS'>`. */
export type ProxmoxSDK<S extends ServiceInput = 'PVE'> = ProxmoxClient<S>;
