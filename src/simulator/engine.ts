/**
 * The simulator engine: one simulated product behind one `handle()` that does everything
 * the HTTPS server does (routing, auth, CSRF, permissions, envelope), so the in-process
 * mock backend and the HTTPS server answer byte for byte alike.
 */

import type { JsonSchema } from '../generated/schema-types.js';
import { SERVICES, type ServiceName } from '../services.js';
import type { AccessState } from './access-state.js';
import { authenticate } from './auth.js';
import { BUILTIN_INFO, DEFAULT_INFO } from './builtin-routes.js';
import { OffsetClock, type SimClock } from './clock.js';
import type { ClusterState } from './cluster-state.js';
import { buildAccess, buildCluster, listAccounts } from './datasets.js';
import type { EngineCore } from './engine-core.js';
import { GenericStore } from './generic-store.js';
import { type Handler, type HandlerContext, type HandlerTable, Reply } from './handler.js';
import { parseRequest } from './parse-request.js';
import { checkPermissions } from './permissions.js';
import { errorResponse, successResponse } from './reply.js';
import { aclHandlers } from './resources/access-acl.js';
import { tfaHandlers } from './resources/access-tfa.js';
import { userHandlers } from './resources/access-users.js';
import { basicHandlers } from './resources/basics.js';
import { clusterHandlers } from './resources/cluster.js';
import { genericHandler } from './resources/generic.js';
import { guestHandlers } from './resources/guests.js';
import { poolHandlers } from './resources/pools.js';
import { storageHandlers } from './resources/storage.js';
import { taskHandlers } from './resources/tasks.js';
import { ticketHandlers } from './resources/ticket.js';
import { type MethodInfo, Router } from './router.js';
import { answerSample } from './samples.js';
import { schemaMethods } from './schema-table.js';
import { paramError, SimError } from './sim-error.js';
import { newStats, type SimStats } from './stats.js';
import { demoStorages, StorageState } from './storage-state.js';
import { TaskManager } from './tasks.js';
import { TicketSigner } from './tickets.js';
import { conform } from './typed-values.js';
import type { EngineOptions, SimAccount, SimParams, SimRequest, SimResponse } from './types.js';
import { validateParams } from './validate.js';

const ALL: readonly ServiceName[] = ['PVE', 'PBS', 'PMG', 'PDM'];

/** Hand-written handlers and the products they serve; everything else is schema-generic. */
const HANDLER_TABLES: [readonly ServiceName[], HandlerTable][] = [
  [ALL, basicHandlers],
  [ALL, ticketHandlers],
  [ALL, taskHandlers],
  [['PVE'], userHandlers('tokenid')],
  [['PBS', 'PDM'], userHandlers('token-name')],
  [['PVE', 'PBS', 'PDM'], aclHandlers],
  [['PVE', 'PBS', 'PDM'], tfaHandlers],
  [['PVE'], guestHandlers],
  [['PVE'], clusterHandlers],
  [['PVE'], storageHandlers],
  [['PVE'], poolHandlers],
];

export interface CallResult {
  status: number;
  statusText: string;
  data?: unknown;
  errors?: Record<string, string>;
  message?: string;
}

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
  readonly loginFailureDelayMs: number;
  readonly router = new Router();
  readonly generic = new GenericStore();
  readonly storage = new StorageState();
  readonly #handlers = new Map<string, Handler>();

  constructor(options: EngineOptions = {}) {
    this.service = options.service ?? 'PVE';
    this.clock = options.clock ?? new OffsetClock();
    const dataset = options.dataset ?? 'demo';
    this.access = buildAccess(this.service);
    this.cluster = buildCluster(this.service, dataset, options.guests, this.clock.now());
    this.localNode = [...this.cluster.nodes.keys()][0] ?? 'localhost';
    if (this.service === 'PVE')
      demoStorages(this.storage, [...this.cluster.nodes.keys()], this.clock.now(), dataset === 'demo');
    this.tasks = new TaskManager(this.service, this.clock, options.taskDurationMs ?? 200);
    this.loginFailureDelayMs = options.loginFailureDelayMs ?? 0;
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

  async handle(req: SimRequest): Promise<SimResponse> {
    this.stats.requests++;
    this.tasks.settle();
    let routeKey = `${req.method.toUpperCase()} ${req.url.split('?')[0]}`;
    let response: SimResponse;
    try {
      const parsed = parseRequest(req);
      const match = this.router.match(parsed.segments);
      const info = match?.node.methods.get(parsed.method);
      const path = `/${parsed.segments.join('/')}`;
      if (!match || !info) throw new SimError(501, `Method '${parsed.method} ${path}' not implemented`);
      routeKey = `${parsed.method} ${match.node.template || '/'}`;
      const open = (info.permissions as { user?: string } | undefined)?.user === 'world';
      const subject = open ? undefined : authenticate(this, req, parsed.method);
      if (subject?.tokenid !== undefined && !info.allowtoken) {
        throw new SimError(401, 'Permission denied - not available with API token');
      }
      const params: SimParams = { ...parsed.params, ...match.pathParams };
      if (subject) {
        const denial = checkPermissions(info.permissions, { access: this.access, subject, params });
        if (denial) throw new SimError(403, denial);
      }
      if (info.api) {
        const errors = validateParams(info.api.parameters, params);
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
      response = this.#envelope(keep ? result : this.#conform(result, info.api?.returns));
    } catch (error) {
      response = this.#errorFrom(error);
      if (routeKey === 'POST /access/ticket' && response.status === 401) {
        this.stats.loginFailures++;
        if (this.loginFailureDelayMs > 0) await delay(this.loginFailureDelayMs);
      }
    }
    this.stats.byRoute[routeKey] = (this.stats.byRoute[routeKey] ?? 0) + 1;
    this.stats.byStatus[response.status] = (this.stats.byStatus[response.status] ?? 0) + 1;
    return response;
  }

  #envelope(result: unknown): SimResponse {
    if (result instanceof Reply) {
      const response = successResponse(this.service, result.data, result.extras);
      Object.assign(response.headers, result.headers);
      return response;
    }
    return successResponse(this.service, result);
  }

  #conform(result: unknown, returns: JsonSchema | undefined): unknown {
    const intBooleans = this.service === 'PVE' || this.service === 'PMG';
    const fix = (data: unknown): unknown =>
      conform(data, returns, intBooleans, (schema, name) => answerSample(schema, { intBooleans }, name));
    return result instanceof Reply ? new Reply(fix(result.data), result.extras, result.headers) : fix(result);
  }

  #errorFrom(error: unknown): SimResponse {
    if (error instanceof SimError)
      return errorResponse(this.service, error.status, error.message, error.errors);
    const message = error instanceof Error ? error.message : String(error);
    return errorResponse(this.service, 500, message);
  }

  /**
   * Runs an API call as root on the host, without HTTP auth: what `pvesh`, `pmgsh` and
   * `proxmox-backup-debug api` do. Arrays become repeated keys.
   */
  async call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    params: Record<string, string | string[]> = {},
  ): Promise<CallResult> {
    const encoded = path
      .split('/')
      .map((s) => encodeURIComponent(s))
      .join('/');
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      for (const v of Array.isArray(value) ? value : [value]) search.append(key, v);
    }
    const hasBody = method === 'POST' || method === 'PUT';
    const query = !hasBody && search.size > 0 ? `?${search}` : '';
    const now = this.clock.now();
    const ticket = this.signer.create(this.#ticketPrefix(), 'root@pam', now);
    const headers: Record<string, string> = {
      cookie: `${this.#cookieName()}=${encodeURIComponent(ticket)}`,
      csrfpreventiontoken: this.signer.csrfToken('root@pam', now),
    };
    const req: SimRequest = { method, url: `/api2/json${encoded}${query}`, headers };
    if (hasBody) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      req.body = Buffer.from(search.toString());
    }
    const response = await this.handle(req);
    const body = JSON.parse(response.body.toString()) as Record<string, unknown>;
    const result: CallResult = { status: response.status, statusText: response.statusText };
    if (response.status < 400) result.data = body.data;
    if (body.errors) result.errors = body.errors as Record<string, string>;
    if (typeof body.message === 'string') result.message = body.message;
    return result;
  }

  #ticketPrefix(): string {
    return SERVICES[this.service].ticketPrefix;
  }

  #cookieName(): string {
    return SERVICES[this.service].cookieName;
  }

  /** Route metadata, for tests and the conformance walk. */
  methodInfo(method: string, template: string): MethodInfo | undefined {
    const match = this.router.match(template.split('/').filter((s) => s !== ''));
    return match?.node.methods.get(method);
  }
}
