/** Shapes of the upstream apidoc files as the generator reads them (loosely: they are data). */

export type RawSchema = Record<string, unknown>;

export interface RawMethod {
  method: string;
  name?: string;
  parameters?: RawSchema;
  returns?: RawSchema;
  permissions?: Record<string, unknown>;
  allowtoken?: unknown;
  protected?: unknown;
  proxyto?: string;
  download?: unknown;
  download_allowed?: unknown;
  expose_credentials?: unknown;
  unstable?: unknown;
  [key: string]: unknown;
}

export interface RawNode {
  path: string;
  text?: string;
  leaf?: unknown;
  info?: Record<string, RawMethod>;
  children?: RawNode[];
}

export const SERVICE_IDS = ['pve', 'pbs', 'pmg', 'pdm'] as const;
export type ServiceId = (typeof SERVICE_IDS)[number];
