/**
 * The runtime schema table's types. The generator copies this file verbatim (under a
 * do-not-edit header) to src/generated/schema-types.ts, so the generator and its output
 * share one definition. Keep it self-contained: no imports.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One path of the API tree. */
export interface SchemaNode {
  /** Full path template, e.g. `/nodes/{node}/qemu`; the root is `/`. */
  path: string;
  /** Last segment: `qemu`, or a parameter such as `{node}`; `''` for the root. */
  segment: string;
  methods: Partial<Record<HttpMethod, ApiMethod>>;
  /** Sorted by segment. */
  children: SchemaNode[];
}

/**
 * Who may call a method, as the server's schema states it. PVE/PMG: `check` is a list
 * such as `['perm', '/vms/{vmid}', ['VM.PowerMgmt']]`; PBS/PDM: `check` is
 * `{path, privs, partial}` and combinations come as `or`/`and` lists. `user` is
 * `all`/`world` where no privilege is needed.
 */
export interface Permissions {
  check?: unknown;
  user?: string;
  or?: unknown[];
  and?: unknown[];
  userParam?: string;
}

export interface ApiMethod {
  path: string;
  method: HttpMethod;
  /** Upstream handler name (`vm_start`); PBS/PDM have none, so it is `<verb>_<static segments>`. */
  name: string;
  parameters?: JsonSchema;
  returns?: JsonSchema;
  permissions?: Permissions;
  /** False where the server refuses API tokens. PBS/PDM state nothing: true. */
  allowtoken: boolean;
  /** Runs in the privileged daemon on PVE/PMG (proxied from pveproxy to pvedaemon). */
  protected: boolean;
  /** Parameter naming the node the call is proxied to, e.g. `node`. */
  proxyto?: string;
  /** The answer is a file, not JSON (upstream `DOWNLOAD` pseudo method or `download: 1`). */
  download?: boolean;
  /** The request is a multipart upload (upstream `UPLOAD` pseudo method). */
  upload?: boolean;
  /** PVE: the answer may be a file download when asked for (`download_allowed`). */
  downloadAllowed?: boolean;
  /** PVE: the handler needs the caller's credentials (`expose_credentials`). */
  exposeCredentials?: boolean;
  /**
   * The method starts a task and answers with its UPID (`remote-upid`: PDM's
   * `remote!UPID:...` of a task on a managed remote). Derived, see codegen/tasks.ts.
   */
  task?: 'upid' | 'remote-upid';
  /** PBS/PDM mark some methods unstable. */
  unstable?: boolean;
}

/** Proxmox's JSON schema dialect, normalised (booleans are booleans), facts only. */
export interface JsonSchema {
  type?: string;
  optional?: boolean;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  /** JavaScript syntax; match as `new RegExp(`^(?:${pattern})$`, patternFlags)`. */
  pattern?: string;
  /** `i`/`m` where the upstream pattern carried inline modifiers. */
  patternFlags?: string;
  /** A named format (`pve-vmid`) or the keys of a property string (`net0: 'virtio=...,bridge=...'`). */
  format?: string | Record<string, JsonSchema>;
  /** A list property string (`a,b,c`, PBS/PDM): the array schema of its items. */
  formatList?: JsonSchema;
  /** In a property-string format: the key that may be written without `key=`. */
  default_key?: boolean;
  /** In a property-string format: this key is another name of `alias`. */
  alias?: string;
  /** With `alias`: writing this key sets `keyAlias` to the key's name (`virtio=MAC` sets model). */
  keyAlias?: string;
  /** Another parameter this one needs. */
  requires?: string;
  /** Section-config schemas: the types this property belongs to. */
  instanceTypes?: string[];
  /** Section-config schemas: the property that selects the variant. */
  typeProperty?: string;
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  /** On a `name[n]` parameter: the real keys are `${prefix}0` .. `${prefix}${max}`. */
  numbered?: { prefix: string; max?: number };
  /**
   * How pvesh prints the value for people (pve-common CLIFormatter): `bytes`, `duration`,
   * `fraction_as_percentage`, `timestamp`, `timestamp_gmt` or `yaml`. A fact about the
   * value's unit, kept for the CLI's human-readable output.
   */
  renderer?: string;
}
