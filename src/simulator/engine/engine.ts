/**
 * The simulator engine: one simulated product behind one `handle()` that does everything
 * the HTTPS server does (routing, auth, CSRF, permissions, envelope), so the in-process
 * mock backend and the HTTPS server answer byte for byte alike.
 */

import { REST_OF_PATH } from '../../core/path-ids.js';
import { SERVICES, type ServiceName } from '../../core/services.js';
import type { JsonSchema } from '../../generated/schema-types.js';
import { authenticate } from '../access/auth.js';
import { checkPermissions } from '../access/permissions.js';
import type { AccessState } from '../state/access-state.js';
import type { ClusterState } from '../state/cluster-state.js';
import { buildAccess, buildCluster, listAccounts } from '../state/datasets.js';
import { FirewallState } from '../state/firewall-state.js';
import { GenericStore } from '../state/generic-store.js';
import { HaState } from '../state/ha-state.js';
import { type Datastore, demoDatastores } from '../state/pbs-state.js';
import { demoPmg, type PmgState } from '../state/pmg-state.js';
import { type ApiFormat, isApiFormat, requireFormatter } from './api-format.js';
import { BUILTIN_INFO, DEFAULT_INFO } from './builtin-routes.js';
import { OffsetClock, type SimClock } from './clock.js';
import type { EngineCore } from './engine-core.js';
import { FaultInjector } from './faults.js';
import { genericHandler } from './generic.js';
import { type Handler, type HandlerContext, Reply } from './handler.js';
import { HANDLER_TABLES } from './handler-tables.js';
import { callResult, hostRequest } from './host-call.js';
import { emptyParams, parseRequestBody, parseRequestHead } from './parse-request.js';
import { bareResponse, errorResponse, successResponse } from './reply.js';
import {
  conflictingPathValues,
  needsAuth,
  refusalDelayMs,
  refuseToken,
  unknownRoute,
} from './request-rules.js';
import { type MethodInfo, Router } from './router.js';

export type { CallResult } from './host-call.js';

import { TicketSigner } from '../access/tickets.js';
import { answerSample } from '../state/samples.js';
import { SdnState } from '../state/sdn-state.js';
import { demoStorages, StorageState } from '../state/storage-state.js';
import { TaskManager } from '../state/tasks.js';
import type { CallResult } from './host-call.js';
import { schemaMethods } from './schema-table.js';
import { paramError, SimError } from './sim-error.js';
import { newStats, type SimStats } from './stats.js';
import { conform } from './typed-values.js';
import type { EngineOptions, FaultOptions, SimAccount, SimParams, SimRequest, SimResponse } from './types.js';
import { joinListParams, validateParams } from './validate.js';

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class SimulatorEngine implements EngineCore {
  readonly service: ServiceName;
  readonly clock: SimClock;
  readonly access: AccessState;
  readonly cluster: ClusterState;
  readonly tasks: TaskManager;
  readonly signer = new TicketSigner();
  readonly stats: SimStats = newStats();
  readonly localNode: string;
  readonly authFailureDelayMs: number;
  readonly forbiddenDelayMs: number;
  readonly router: Router;
  readonly generic = new GenericStore();
  readonly storage = new StorageState();
  readonly datastores: Map<string, Datastore>;
  readonly pmg: PmgState;
  readonly firewall = new FirewallState();
  readonly ha = new HaState();
  readonly sdn = new SdnState();
  readonly #handlers = new Map<string, Handler>();
  readonly #faults: FaultInjector;

  constructor(options: EngineOptions = {}) {
    this.service = options.service ?? 'PVE';
    this.router = new Router(REST_OF_PATH[this.service]);
    this.clock = options.clock ?? new OffsetClock();
    const dataset = options.dataset ?? 'demo';
    this.access = buildAccess(this.service);
    this.cluster = buildCluster(this.service, dataset, options.guests, this.clock.now());
    this.localNode = [...this.cluster.nodes.keys()][0] ?? 'localhost';
    if (this.service === 'PVE')
      demoStorages(this.storage, [...this.cluster.nodes.keys()], this.clock.now(), dataset === 'demo');
    this.datastores =
      this.service === 'PBS' ? demoDatastores(this.clock.now(), dataset === 'demo') : new Map();
    this.pmg = demoPmg(this.clock.now(), this.service === 'PMG' && dataset === 'demo');
    this.tasks = new TaskManager(this.service, this.clock, options.taskDurationMs ?? 200);
    this.authFailureDelayMs = options.authFailureDelayMs ?? options.loginFailureDelayMs ?? 0;
    this.forbiddenDelayMs = options.forbiddenDelayMs ?? this.authFailureDelayMs / 6;
    this.#faults = new FaultInjector(this.stats.faults, this.clock);
    this.#faults.configure(options.faults);
    for (const api of schemaMethods(this.service)) {
      const info: MethodInfo = { api, permissions: api.permissions, allowtoken: api.allowtoken };
      this.router.add(api.method, api.path, info, true);
    }
    for (const [services, table] of HANDLER_TABLES) {
      if (!services.includes(this.service)) continue;
      for (const [key, handler] of Object.entries(table)) {
        const [method = '', template = ''] = key.split(' ');
        this.#handlers.set(key, handler);
        this.router.add(method, template, { ...DEFAULT_INFO, ...BUILTIN_INFO[key] });
      }
    }
  }

  /** The demo users with their passwords, TOTP secrets and token secrets. */
  get accounts(): SimAccount[] {
    return listAccounts(this.access);
  }

  /** Turns fault injection on, changes it, or (with no argument) off, at run time. */
  setFaults(options?: FaultOptions): void {
    this.#faults.configure(options);
  }

  async handle(req: SimRequest): Promise<SimResponse> {
    if (!this.#faults.active) return this.#handle(req);
    const isLogin =
      req.method.toUpperCase() === 'POST' && req.url.split('?')[0] === '/api2/json/access/ticket';
    const fault = this.#faults.pick(isLogin);
    if (fault.latencyMs > 0) await delay(fault.latencyMs);
    if (fault.reset) {
      this.stats.requests++;
      return { ...errorResponse(this.service, 500, 'connection reset'), reset: true };
    }
    if (fault.status) {
      this.stats.requests++;
      this.stats.byStatus[fault.status] = (this.stats.byStatus[fault.status] ?? 0) + 1;
      const response = errorResponse(
        this.service,
        fault.status,
        fault.status === 502 ? 'Bad Gateway' : 'Service Unavailable',
      );
      if (fault.status === 503) response.headers['retry-after'] = '1';
      return response;
    }
    const response = await this.#handle(req);
    if (fault.slowBodyDelayMs !== undefined) response.slowBodyDelayMs = fault.slowBodyDelayMs;
    return response;
  }

  async #handle(req: SimRequest, host = false): Promise<SimResponse> {
    const startedAt = Date.now();
    this.stats.requests++;
    this.tasks.settle();
    let routeKey = `${req.method.toUpperCase()} ${req.url.split('?')[0]}`;
    let response: SimResponse;
    /** The status the API call ended with; the `extjs` format sends 200 on the wire for it. */
    let status = 200;
    /** Where a refusal happened: the delays differ (see authFailureDelay). */
    let stage: 'auth' | 'permission' | 'other' = 'other';
    let format: ApiFormat = 'json';
    try {
      const parsed = parseRequestHead(req, this.service);
      if (isApiFormat(parsed.format)) format = parsed.format;
      const match = this.router.match(parsed.segments);
      const info = match?.node.methods.get(parsed.method);
      const path = `/${parsed.segments.join('/')}`;
      if (match && info) routeKey = `${parsed.method} ${match.node.template || '/'}`;
      stage = 'auth';
      const subject = needsAuth(this.service, parsed.method, path, info)
        ? authenticate(this, req, parsed.method, path)
        : undefined;
      stage = 'other';
      parseRequestBody(parsed, req, this.service);
      requireFormatter(parsed.format, path);
      if (!match || !info) throw unknownRoute(this.service, parsed.method, path, format);
      const params: SimParams = Object.assign(emptyParams(), parsed.params);
      conflictingPathValues(this.service, params, match.pathParams);
      Object.assign(params, match.pathParams);
      refuseToken(this, req, info, path, subject);
      if (subject) {
        const denial = checkPermissions(info.permissions, {
          access: this.access,
          subject,
          params,
          pathParams: match.pathParams,
        });
        stage = 'permission';
        if (denial) throw new SimError(403, denial);
        stage = 'other';
      }
      if (info.api) {
        const perl = SERVICES[this.service].perlServer;
        if (perl) joinListParams(info.api.parameters, params);
        const errors = validateParams(info.api.parameters, params, perl);
        if (Object.keys(errors).length > 0) throw paramError(errors);
      }
      const own = this.#handlers.get(routeKey);
      const handler = own ?? genericHandler;
      const ctx: HandlerContext = {
        core: this,
        service: this.service,
        method: parsed.method,
        route: match.node.template,
        params,
        files: parsed.files,
        subject,
        info,
        headers: req.headers,
      };
      const result = await handler(ctx);
      const keep = !own || !info.api || (result instanceof Reply && result.raw);
      response = this.#envelope(keep ? result : this.#conform(result, info.api?.returns), format);
    } catch (error) {
      status = error instanceof SimError ? error.status : 500;
      response = this.#errorFrom(error, format);
      if (routeKey === 'POST /access/ticket' && status === 401) this.stats.loginFailures++;
    }
    if (!host) {
      const wait = refusalDelayMs(this, status, stage) - (Date.now() - startedAt);
      if (wait > 0) await delay(wait);
    }
    this.stats.byRoute[routeKey] = (this.stats.byRoute[routeKey] ?? 0) + 1;
    this.stats.byStatus[response.status] = (this.stats.byStatus[response.status] ?? 0) + 1;
    return response;
  }

  #envelope(result: unknown, format: ApiFormat): SimResponse {
    if (result instanceof Reply) {
      const response = successResponse(this.service, result.data, result.extras, format);
      Object.assign(response.headers, result.headers);
      return response;
    }
    return successResponse(this.service, result, {}, format);
  }

  #conform(result: unknown, returns: JsonSchema | undefined): unknown {
    const intBooleans = SERVICES[this.service].booleans === 'int';
    const fix = (data: unknown): unknown =>
      conform(data, returns, intBooleans, (schema, name) => answerSample(schema, { intBooleans }, name));
    return result instanceof Reply ? new Reply(fix(result.data), result.extras, result.headers) : fix(result);
  }

  #errorFrom(error: unknown, format: ApiFormat): SimResponse {
    if (error instanceof SimError) {
      if (error.bare) return bareResponse(this.service, error.status, error.message, error.bare);
      return errorResponse(this.service, error.status, error.message, error.errors, format);
    }
    const message = error instanceof Error ? error.message : String(error);
    return errorResponse(this.service, 500, message, undefined, format);
  }

  /**
   * Runs an API call as root on the host, without HTTP auth and without injected network
   * faults: what `pvesh`, `pmgsh` and `proxmox-backup-debug api` do. Arrays become repeated keys.
   */
  async call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    params: Record<string, string | string[]> = {},
  ): Promise<CallResult> {
    return callResult(await this.#handle(hostRequest(this, method, path, params), true));
  }

  /** Route metadata, for tests and the conformance walk. */
  methodInfo(method: string, template: string): MethodInfo | undefined {
    const match = this.router.match(template.split('/').filter((s) => s !== ''));
    return match?.node.methods.get(method);
  }
}
