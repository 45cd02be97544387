/**
 * What a handler throws to answer with an error status. Proxmox puts the first line of
 * `message` into the HTTP reason phrase and the whole message into the body.
 */
export class SimError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string>,
  ) {
    super(message);
  }
}

/** 400 "Parameter verification failed." with one message per parameter, as PVE answers. */
export function paramError(errors: Record<string, string>): SimError {
  return new SimError(400, 'Parameter verification failed.', errors);
}

export const isSimError = (value: unknown): value is SimError => value instanceof SimError;
