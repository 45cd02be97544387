/**
 * What a handler throws to answer with an error status. Proxmox puts the first line of
 * `message` into the HTTP reason phrase and the whole message into the body.
 */
export class SimError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string>,
    /**
     * How the answer looks when it does not come through the API formatter: `empty`, a
     * status line and no body (pve-http-server AnyEvent.pm authenticate_and_handle_request
     * answers auth failures with a bare HTTP::Response); `text`, the message as the body
     * without a Content-Type (AnyEvent.pm `error`, proxmox-rest-server errors that escape
     * the formatter).
     */
    readonly bare?: 'empty' | 'text',
  ) {
    super(message);
  }
}

/** 400 "Parameter verification failed." with one message per parameter, as PVE answers. */
export function paramError(errors: Record<string, string>): SimError {
  return new SimError(400, 'Parameter verification failed.', errors);
}

export const isSimError = (value: unknown): value is SimError => value instanceof SimError;
