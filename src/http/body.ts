/**
 * Request bodies the API refuses with a 400 before any handler (or the idempotency hash) sees them.
 */

/** Deeper than any body the API defines (config rank_rules is 3); recursive code downstream stays safe. */
export const MAX_JSON_DEPTH = 32;
export const TOO_DEEP = `Request body is nested deeper than ${MAX_JSON_DEPTH} levels`;

/** Walks the parsed body without recursion and stops as soon as it passes `limit` levels. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * body-parser errors that mean "this body is unusable" (400) rather than "too large" (413) or
 * "encoding not supported" (415): not JSON, or not decodable for its Content-Encoding (a body
 * sent as gzip that is not gzip). Returns the message, or undefined for anything else.
 */
export function unusableBody(err: unknown): string | undefined {
  const { type, status } = (err ?? {}) as { type?: string; status?: number };
  if (type === 'entity.parse.failed') return 'Request body is not valid JSON';
  if (status === 400 && (type === undefined || type === 'request.size.invalid')) return 'Request body could not be read for its Content-Encoding';
  return undefined;
}
