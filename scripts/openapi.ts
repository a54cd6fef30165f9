/**
 * `npm run openapi -- [FILE]`: writes the OpenAPI document the server serves at /api/openapi.json
 * (built from the route definitions, no database needed) to FILE or stdout. `npm run lint:openapi`
 * lints it with Spectral (spectral:oas) and Redocly.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import pino from 'pino';
import { loadEnv } from '../src/config/env.js';
import { buildApp } from '../src/app.js';
import { openApiDocument } from '../src/http/openapi.js';

export function generatedDocument(): unknown {
  // Building the app registers every route; nothing connects to a database.
  buildApp({
    env: loadEnv({ NODE_ENV: 'test', DATABASE_URL: 'postgres://unused@127.0.0.1/unused', DATA_DIR: '/tmp/metax-openapi' }),
    logger: pino({ level: 'silent' }),
    readiness: async () => ({ status: 'ready', role: 'all', checks: {} }),
  });
  return openApiDocument();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = JSON.stringify(generatedDocument(), null, 2) + '\n';
  const file = process.argv[2];
  if (file) fs.writeFileSync(file, text);
  else process.stdout.write(text);
}
