/**
 * The vocabulary every layer shares: HTTP methods, backend names and raw call parameters.
 * It sits in core/ so that options, auth, encoding and the transports can name it without
 * depending on each other.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE'];

export type BackendName = 'https' | 'ssh' | 'openssh' | 'local' | 'mock';

export type ParamScalar = string | number | boolean;
export type ParamValue = ParamScalar | readonly ParamScalar[] | null | undefined;
export type Params = Readonly<Record<string, ParamValue>>;
