/** Multipart uploads over HTTPS (see src/files.ts). */
import type { Dispatcher } from 'undici';
import { InvalidArgumentError } from '../errors.js';
import type { HttpWire } from './http-request.js';
import type { TransportRequest, TransportResponse } from './transport.js';

export async function sendUpload(
  _dispatcher: Dispatcher,
  _origin: string,
  _wire: HttpWire,
  _req: TransportRequest,
): Promise<TransportResponse> {
  throw new InvalidArgumentError('uploads over https are not available yet');
}
