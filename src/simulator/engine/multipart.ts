/** A small `multipart/form-data` reader, enough for storage uploads. */

export interface MultipartPart {
  name: string;
  fileName?: string;
  contentType?: string;
  data: Buffer;
}

function header(block: string, name: string): string | undefined {
  const line = block.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name}:`));
  return line?.slice(name.length + 1).trim();
}

function dispositionParam(disposition: string, key: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(disposition);
  if (match) return match[1]?.replace(/\\(.)/g, '$1');
  const bare = new RegExp(`(?:^|;)\\s*${key}=([^;]+)`, 'i').exec(disposition);
  return bare?.[1]?.trim();
}

export function boundaryOf(contentType: string): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** Parts in order; throws on a body that does not follow the boundary layout. */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new Error('multipart boundary not found');
  while (true) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === '--') break;
    if (body.subarray(pos, pos + 2).toString() === '\r\n') pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw new Error('multipart part without headers');
    const head = body.subarray(pos, headerEnd).toString('utf8');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw new Error('multipart part not terminated');
    const disposition = header(head, 'content-disposition') ?? '';
    const part: MultipartPart = {
      name: dispositionParam(disposition, 'name') ?? '',
      data: body.subarray(headerEnd + 4, next),
    };
    const fileName = dispositionParam(disposition, 'filename');
    if (fileName !== undefined) part.fileName = fileName;
    const type = header(head, 'content-type');
    if (type !== undefined) part.contentType = type;
    parts.push(part);
    pos = next + 2;
  }
  return parts;
}
