import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { resolve, type ApiDocument, type JsonSchema, type Operation } from './openapi.js';

/**
 * fast-check generators for requests to any operation of the OpenAPI document: values that fit
 * the documented schemas (so requests get past validation into the services) mixed with hostile
 * ones (NUL, lone surrogates, year 0, absurd numbers, deep nesting, broken encodings).
 */

const hostileStrings = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202e\u0007\u001b[31m',
  '😀'.repeat(50),
  'A'.repeat(5_000),
  '0000-01-01',
  '0000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '9999-12-31T23:59:59Z',
  '2020-02-30',
  '2024-13-45T25:61:61Z',
  '1969-12-31',
  '1e400',
  '-1e400',
  'NaN',
  'Infinity',
  '-0',
  '0x10',
  '999999999999999999999999',
  '0.000000001',
  '-5',
  "' OR 1=1 --",
  'Robert"); DROP TABLE users; --',
  '%ff',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '{"$gt": ""}',
  '__proto__',
  'constructor',
  'all_active',
  'Mars/Olympus',
  '+05:00',
];

const hostileNumbers = [0, -0, -1, 1, 1e308, -1e308, 2 ** 31, 2 ** 31 - 1, 2 ** 53, 2 ** 53 + 2, 1e21, 0.1 + 0.2, Number.MIN_VALUE, 123456789012.12346, 999999999999.99];

/** A value nested `depth` levels deep (arrays or objects). */
export const nested = (depth: number, kind: 'array' | 'object'): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
};

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(...hostileStrings),
  fc.constantFrom<unknown>(...hostileNumbers),
  fc.constantFrom<unknown>(null, true, false, [], {}, [null], { '': null }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.double(),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((b) => b.toString()),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 20, max: 60 }).chain((d) => fc.constantFrom(nested(d, 'array'), nested(d, 'object'))),
);

const moneyText = fc.oneof(
  fc.constantFrom('10', '10.5', '0.00000001', '1', '100', '5.12345678', '999999999999.99999999', '0', '1e3'),
  fc.integer({ min: 1, max: 10_000 }).map(String),
  fc.integer({ min: 1, max: 10_000 }),
);
const isoDate = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('3100-01-01T00:00:00Z'), noInvalidDate: true });

/** Values for fields recognised by name: the generator then reaches past validation more often. */
function byName(name: string): fc.Arbitrary<unknown> | undefined {
  switch (name) {
    case 'amount':
    case 'rate_percent':
    case 'price':
    case 'volume':
    case 'chart_volume':
    case 'market_cap':
    case 'volume_24h':
      return moneyText;
    case 'wallet_address':
      return fc.constantFrom('0x52908400098527886E0F7030069857D2E4169EE7', '0xde709f2102306220921060314715629080e2fb77', '0x52908400098527886e0F7030069857D2E4169EE7');
    case 'tx_hash':
      return fc.constantFrom(`0x${'ab'.repeat(32)}`, `0x${'0'.repeat(63)}`);
    case 'timestamp':
      return isoDate.map((d) => d.toISOString());
    case 'date':
      return isoDate.map((d) => d.toISOString().slice(0, 10));
    case 'from':
    case 'to':
    case 'joined_from':
    case 'joined_to':
      return fc.oneof(isoDate.map((d) => d.toISOString()), isoDate.map((d) => d.toISOString().slice(0, 10)));
    case 'email':
      return fc.constantFrom('someone@metax.test', 'x@y.z', 'NOT-AN-EMAIL');
    case 'username':
      return fc.oneof(fc.constantFrom('admin', 'fuzz_member_a', 'nobody_here'), fc.stringMatching(/^[a-z0-9_]{3,20}$/));
    case 'password':
    case 'new_password':
    case 'current_password':
      return fc.constantFrom('Str0ng-pass-word', 'Adm1n-test-password', 'password1', 'x');
    case 'user_id':
    case 'actor_id':
    case 'sponsor_id':
      return fc.integer({ min: 1, max: 12 });
    case 'user_ids':
      return fc.oneof(fc.constant('all_active'), fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 4 }));
    default:
      return undefined;
  }
}

/** A value that fits `schema` (most of the time: bounds are explored at their edges too). */
export function schemaValue(doc: ApiDocument, raw: JsonSchema, name = '', depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(doc, raw);
  const named = byName(name);
  if (named) return named;
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return fc.oneof(...options.map((s) => schemaValue(doc, s, name, depth)));
  if (schema.allOf) return schemaValue(doc, schema.allOf[0], name, depth);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string': {
      const maxLength = Math.min(schema.maxLength ?? 60, 200);
      return fc.oneof(
        schema.example !== undefined ? fc.constant(schema.example) : fc.string({ maxLength }),
        fc.string({ minLength: schema.minLength ?? 0, maxLength }),
      );
    }
    case 'integer': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -(2 ** 31));
      const max = schema.maximum ?? 2 ** 31;
      return fc.oneof(fc.integer({ min: Math.max(min, 1), max: Math.max(Math.min(max, 12), min) }), fc.constantFrom(min, max), fc.integer({ min, max }));
    }
    case 'number':
      return fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.double({ noNaN: true }));
    case 'boolean':
      return fc.boolean();
    case 'array':
      if (depth > 4) return fc.constant([]);
      return fc.array(schemaValue(doc, schema.items ?? {}, name, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 4) });
    case 'object': {
      if (depth > 4) return fc.constant({});
      const props = schema.properties ?? {};
      const known = fc.record(
        Object.fromEntries(Object.entries(props).map(([key, s]) => [key, fieldValue(doc, s, key, depth + 1)])),
        { requiredKeys: (schema.required ?? []).filter((k) => k in props) },
      );
      if (schema.additionalProperties === undefined || schema.additionalProperties === false) return known;
      return known.chain((base) => fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }).map((extra) => ({ ...extra, ...base })));
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Mostly a fitting value, sometimes a hostile one: each field is attacked on its own. */
export function fieldValue(doc: ApiDocument, schema: JsonSchema, name: string, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 4, arbitrary: schemaValue(doc, schema, name, depth) }, { weight: 1, arbitrary: hostileValue });
}

/** Keys named in an operation's description (`Keys: a, b, c.` on PUT /admin/config). */
function describedKeys(op: Operation): string[] {
  const match = /Keys: ([\w, ]+)\./.exec(op.description ?? '');
  return match ? match[1].split(',').map((k) => k.trim()) : [];
}

export interface FuzzBody {
  /** Raw bytes to send (already encoded as the headers say). */
  payload?: Buffer;
  headers: Record<string, string>;
  label: string;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/** A request body: usually JSON for the documented schema, else broken in one of the ways clients break bodies. */
export function bodyFor(doc: ApiDocument, op: Operation): fc.Arbitrary<FuzzBody> {
  const keys = describedKeys(op);
  const documented: fc.Arbitrary<unknown> = op.body
    ? keys.length
      ? fc.dictionary(fc.constantFrom(...keys), hostileValue, { maxKeys: 3 }).chain((hostile) =>
          fc.dictionary(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }).map((v) => ({ ...v, ...hostile })),
        )
      : schemaValue(doc, op.body)
    : fc.constant(undefined);
  const asJson = documented.map((v): FuzzBody => ({ payload: v === undefined ? undefined : json(v), headers: v === undefined ? {} : { 'content-type': 'application/json' }, label: 'json' }));
  return fc.oneof(
    { weight: 10, arbitrary: asJson },
    { weight: 2, arbitrary: hostileValue.map((v): FuzzBody => ({ payload: json(v), headers: { 'content-type': 'application/json' }, label: 'hostile json' })) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom('{', '{"amount":', 'null', '"text"', '[]', '{"a":1}}', '\u0000', '{"amount": 1e999}', '{"__proto__": {"x": 1}}', '{"a": "\\ud800"}', '{"a": "\\u0000"}')
        .map((text): FuzzBody => ({ payload: Buffer.from(text), headers: { 'content-type': 'application/json' }, label: 'raw text' })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(33, 200, 20_000)
        .map((d): FuzzBody => ({ payload: Buffer.from(`${'['.repeat(d)}${']'.repeat(d)}`), headers: { 'content-type': 'application/json' }, label: `nested ${d}` })),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'zstd', 'x-unknown', 'identity, gzip', 'GZIP').map(
        (encoding): FuzzBody => ({ payload: Buffer.from('definitely not compressed'), headers: { 'content-type': 'application/json', 'content-encoding': encoding }, label: `bad ${encoding}` }),
      ),
    },
    { weight: 1, arbitrary: documented.map((v): FuzzBody => ({ payload: gzipSync(json(v ?? {})), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, label: 'gzip json' })) },
    {
      weight: 1,
      arbitrary: fc.tuple(documented, fc.constantFrom('text/plain', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x')).map(
        ([v, type]): FuzzBody => ({ payload: json(v ?? {}), headers: { 'content-type': type }, label: type }),
      ),
    },
  );
}

/** Path segments: fitting ids (existing rows are small) or hostile, already percent-encoded, text. */
export function pathValue(doc: ApiDocument, schema: JsonSchema): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: schemaValue(doc, schema).map((v) => encodeURIComponent(String(v))) },
    { weight: 2, arbitrary: fc.constantFrom('%ff', '%00', '%', '%zz', '%C0%AF', '%ED%A0%80', '-1', '0', '1.5', '1e3', '99999999999', '2147483648', '9007199254740993', 'abc', '%F0%9F%98%80', '%2F', '..') },
    { weight: 1, arbitrary: hostileValue.map((v) => encodeURIComponent(typeof v === 'string' ? v.replace(/[\ud800-\udfff]/g, 'x') : JSON.stringify(v) ?? 'x')) },
  );
}

/** A query string for the documented parameters (some left out, some repeated, some raw garbage) plus strays. */
export function queryFor(doc: ApiDocument, op: Operation): fc.Arbitrary<string> {
  const params = op.parameters.filter((p) => p.in === 'query');
  const encode = (v: unknown) => {
    const text = typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
    try {
      return encodeURIComponent(text);
    } catch {
      return encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '?'));
    }
  };
  const one = (name: string, schema: JsonSchema) =>
    fc.oneof(
      { weight: 6, arbitrary: schemaValue(doc, schema, name).map((v) => [`${name}=${encode(v)}`]) },
      { weight: 2, arbitrary: hostileValue.map((v) => [`${name}=${encode(v)}`]) },
      { weight: 1, arbitrary: fc.constantFrom('%ff', '%00', '%', '%E0%A4%A', '0000-01-01', '%ED%A0%80').map((raw) => [`${name}=${raw}`]) },
      { weight: 1, arbitrary: fc.tuple(schemaValue(doc, schema, name), hostileValue).map(([a, b]) => [`${name}=${encode(a)}`, `${name}=${encode(b)}`]) },
      { weight: 1, arbitrary: fc.constant([`${encode(name)}[]=1`, `${name}[a]=2`]) },
    );
  const parts = params.map((p) => fc.option(one(p.name, p.schema), { nil: undefined, freq: 3 }));
  const stray = fc.option(
    fc.constantFrom('access_token=leaked', 'page=-1', '__proto__[admin]=1', 'a=%ff', 'x'),
    { nil: undefined, freq: 2 },
  );
  return fc.tuple(fc.tuple(...parts), stray).map(([chosen, extra]) => {
    const all = [...chosen.filter((c): c is string[] => c !== undefined).flat(), ...(extra ? [extra] : [])];
    return all.length ? `?${all.join('&')}` : '';
  });
}

/** Extra headers a client may send: Idempotency-Key (fitting or not), request ids, Accept. */
export const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    'idempotency-key': fc.oneof(fc.uuid(), fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.:/ ~!'.split('')), minLength: 0, maxLength: 300 })),
    'x-request-id': fc.oneof(fc.uuid(), fc.constantFrom('../../x', 'a'.repeat(500), ' ')),
    accept: fc.constantFrom('application/json', 'text/html', '*/*', 'application/xml'),
  },
  { requiredKeys: [] },
);
