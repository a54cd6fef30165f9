/**
 * `npm run lint:openapi`: generates the OpenAPI document and lints it with Spectral (spectral:oas,
 * .spectral.yaml) and Redocly (recommended, redocly.yaml). Exits 1 on any error or warning.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { generatedDocument } from './openapi.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

export async function lintOpenApi(): Promise<{ ok: boolean; report: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metax-openapi-'));
  const file = path.join(dir, 'openapi.json');
  fs.writeFileSync(file, JSON.stringify(generatedDocument(), null, 2));
  const lines: string[] = [];
  let ok = true;
  try {
    const spectral = await run(bin('spectral'), ['lint', '--ruleset', path.join(root, '.spectral.yaml'), '--fail-severity=hint', '--format=text', file], { cwd: root }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );
    lines.push(`spectral (spectral:oas): ${spectral.code === 0 ? 'no problems' : spectral.out.trim()}`);
    ok &&= spectral.code === 0;

    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
    const redocly = await run(bin('redocly'), ['lint', '--config', path.join(root, 'redocly.yaml'), '--format=json', file], { cwd: root, env }).then(
      (r) => r.stdout,
      (e: { stdout: string }) => e.stdout,
    );
    const result = JSON.parse(redocly) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string; location?: { pointer?: string }[] }[] };
    const problems = result.problems.map((p) => `  ${p.ruleId}: ${p.message} ${p.location?.[0]?.pointer ?? ''}`);
    lines.push(`redocly (recommended): ${result.totals.errors} errors, ${result.totals.warnings} warnings${problems.length ? '\n' + problems.join('\n') : ''}`);
    ok &&= result.totals.errors === 0 && result.totals.warnings === 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { ok, report: lines.join('\n') };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { ok, report } = await lintOpenApi();
  console.log(report);
  process.exitCode = ok ? 0 : 1;
}
