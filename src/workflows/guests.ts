/**
 * Guests by id or name across the cluster: one `GET /cluster/resources?type=vm` answers
 * where every guest lives, so callers never name the node. Names are not unique in PVE
 * (nothing in qemu-server or pve-container refuses a duplicate), hence the ambiguity error.
 */
import { GuestLookupError, InvalidArgumentError } from '../core/errors.js';
import { type PveClient, WorkflowClient, type WorkflowOptions } from './client.js';
import { Guest, type GuestInfo, type GuestType } from './guest.js';

/** One row of `GET /cluster/resources?type=vm`, as far as the workflows read it. */
interface ResourceRow {
  type: string;
  vmid: number;
  node: string;
  name?: string;
  status?: string;
  template?: number | boolean;
}

export interface ListGuestsOptions extends WorkflowOptions {
  /** Only QEMU VMs or only containers. */
  type?: GuestType;
  /** Leave templates out. @default false */
  excludeTemplates?: boolean;
}

export class Guests {
  readonly #client: WorkflowClient;

  constructor(px: PveClient | WorkflowClient) {
    this.#client = px instanceof WorkflowClient ? px : new WorkflowClient(px);
  }

  /** Every guest the caller may see, sorted by vmid. */
  async list(options: ListGuestsOptions = {}): Promise<Guest[]> {
    const rows = await this.#client.call<ResourceRow[]>(
      'GET /cluster/resources',
      { type: 'vm' },
      options.signal === undefined ? {} : { signal: options.signal },
    );
    return rows
      .filter((r) => r.type === 'qemu' || r.type === 'lxc')
      .filter((r) => options.type === undefined || r.type === options.type)
      .filter((r) => !(options.excludeTemplates && Boolean(r.template)))
      .sort((a, b) => a.vmid - b.vmid)
      .map((r) => new Guest(this.#client, toInfo(r)));
  }

  /**
   * The guest with this vmid (a number, or a string of digits) or this name. Throws
   * GuestLookupError: `not-found`, or `ambiguous` with the matching vmids.
   */
  async find(idOrName: number | string, options: WorkflowOptions = {}): Promise<Guest> {
    const all = await this.list(options);
    const wanted = parseRef(idOrName);
    const matches =
      typeof wanted === 'number'
        ? all.filter((g) => g.vmid === wanted)
        : all.filter((g) => g.name === wanted);
    if (matches.length === 1) return matches[0]!;
    if (matches.length === 0) {
      throw new GuestLookupError(
        `no guest ${typeof wanted === 'number' ? wanted : `named '${wanted}'`} in the cluster`,
        {
          reason: 'not-found',
        },
      );
    }
    const ids = matches.map((g) => g.vmid);
    throw new GuestLookupError(
      `guest name '${wanted}' is ambiguous: vmids ${ids.join(', ')} carry it; name one by vmid`,
      { reason: 'ambiguous', matches: ids },
    );
  }

  /** The guest with this vmid, or undefined. */
  async get(vmid: number, options: WorkflowOptions = {}): Promise<Guest | undefined> {
    return (await this.list(options)).find((g) => g.vmid === vmid);
  }
}

function parseRef(ref: number | string): number | string {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref < 1) throw new InvalidArgumentError(`guest id: ${ref} is not a vmid`);
    return ref;
  }
  if (typeof ref !== 'string' || ref === '')
    throw new InvalidArgumentError('guest: expected a vmid or a name');
  return /^\d+$/.test(ref) ? Number(ref) : ref;
}

function toInfo(r: ResourceRow): GuestInfo {
  return {
    vmid: Number(r.vmid),
    type: r.type as GuestType,
    node: r.node,
    name: r.name ?? '',
    status: r.status ?? 'unknown',
    template: Boolean(r.template),
  };
}
