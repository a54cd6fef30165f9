import type { TestServer } from './server.js';

/** The slice of JSON Schema (OpenAPI 3.1) that the generated document uses. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
  example?: unknown;
  description?: string;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: JsonSchema;
}

export interface Operation {
  /** `METHOD /api/path/{param}` — the key of the access-matrix table. */
  key: string;
  method: string;
  path: string;
  access: string;
  parameters: Parameter[];
  body?: JsonSchema;
  description?: string;
  successStatus: number;
}

export interface ApiDocument {
  paths: Record<string, Record<string, { 'x-access'?: string; parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> }; responses: Record<string, unknown>; description?: string }>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** Every operation of the running server's /api/openapi.json. */
export async function operationsOf(t: TestServer): Promise<{ doc: ApiDocument; operations: Operation[] }> {
  const res = await t.request('GET', '/api/openapi.json');
  if (res.status !== 200) throw new Error(`openapi.json: ${res.status}`);
  const doc = res.body as ApiDocument;
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        access: op['x-access'] ?? '(undocumented)',
        parameters: op.parameters ?? [],
        body: op.requestBody?.content['application/json']?.schema,
        description: op.description,
        successStatus: Number(Object.keys(op.responses).find((s) => s.startsWith('2')) ?? 200),
      });
    }
  }
  return { doc, operations };
}

/** Follows `$ref: '#/components/schemas/X'`. */
export function resolve(doc: ApiDocument, schema: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const target = doc.components?.schemas?.[name];
  if (!target) throw new Error(`unresolved ${schema.$ref}`);
  return resolve(doc, target);
}

/** `/api/transactions/{id}` with `{id: '5'}` → `/api/transactions/5` (values inserted as given: callers encode). */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? 'missing');
}
