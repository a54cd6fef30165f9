import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { openApiDocument } from '../../src/http/openapi.js';

/**
 * Every JSON answer the suite receives from /api is checked against the status and schema the
 * OpenAPI document declares for that operation, so the document cannot drift from the code.
 */

type ValidateFn = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };
interface Operation {
  pattern: RegExp;
  method: string;
  pointer: string;
  statuses: Set<string>;
}

let state: { ajv: Ajv2020; operations: Operation[]; compiled: Map<string, ValidateFn> } | undefined;

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

function load() {
  if (state) return state;
  const document = openApiDocument() as unknown as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  (addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema(document, 'openapi');
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    const pattern = new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}/?$`);
    for (const [method, op] of Object.entries(methods)) {
      operations.push({ pattern, method: method.toUpperCase(), pointer: `openapi#/paths/${escape(path)}/${method}`, statuses: new Set(Object.keys(op.responses)) });
    }
  }
  // Static paths first: /transactions/history must not be read as /transactions/{id}.
  operations.sort((a, b) => (a.pattern.source.includes('[^/]+') ? 1 : 0) - (b.pattern.source.includes('[^/]+') ? 1 : 0));
  state = { ajv, operations, compiled: new Map() };
  return state;
}

/** Throws when a response breaks the documented contract; returns quietly for non-API answers. */
export function checkContract(method: string, url: string, status: number, contentType: string | null, body: unknown): void {
  const path = new URL(url, 'http://x').pathname;
  if (!path.startsWith('/api/') || !contentType?.includes('application/json')) return;
  const { ajv, operations, compiled } = load();
  const op = operations.find((o) => o.method === method.toUpperCase() && o.pattern.test(path));
  if (!op) return; // unknown route: the 404 handler's answer, not an operation
  const code = String(status);
  if (!op.statuses.has(code)) throw new Error(`contract: ${method} ${path} answered ${status}, which the OpenAPI document does not list (${[...op.statuses].join(', ')})`);
  const ref = `${op.pointer}/responses/${code}/content/application~1json/schema`;
  let validate = compiled.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref }) as ValidateFn;
    compiled.set(ref, validate);
  }
  if (!validate(body)) {
    const problems = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(root)'} ${e.message}`);
    throw new Error(`contract: ${method} ${path} ${status} does not match its documented schema: ${problems.join('; ')}\n${JSON.stringify(body).slice(0, 500)}`);
  }
}
