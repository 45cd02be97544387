/**
 * PBS and PDM (proxmox-rest-server) send an error's message as the bare body, with the
 * standard reason phrase ("403 Forbidden"); PVE and PMG put it in the reason phrase and a
 * JSON envelope. This reads the bare kind: the message of a plain-text body (an HTML page
 * from a proxy is not one), with parameter errors (`parameter 'name': …` lines) as a map.
 */
export function plainMessage(
  body: unknown,
): { message: string; errors?: Record<string, string> } | undefined {
  if (typeof body !== 'string') return undefined;
  const message = body.trim();
  if (message === '' || message.startsWith('<') || message.length > 4000) return undefined;
  const errors: Record<string, string> = {};
  // Before 2023: `parameter 'name': …` lines. Since (proxmox-schema ParameterError's Display):
  // `parameter verification failed - 'name': …` for one, `- 'name': …` lines for several.
  for (const match of message.matchAll(/^parameter '([^']+)': (.*)$/gm)) errors[match[1]!] = match[2]!;
  const single = /^parameter verification failed - '([^']+)': (.*)$/s.exec(message);
  if (single) errors[single[1]!] = single[2]!;
  if (message.startsWith('parameter verification failed:'))
    for (const match of message.matchAll(/^- '([^']+)': (.*)$/gm)) errors[match[1]!] = match[2]!;
  return Object.keys(errors).length > 0 ? { message, errors } : { message };
}
