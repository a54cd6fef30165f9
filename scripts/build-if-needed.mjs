// `npm start` builds only when a source file is newer than the last build.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const output = 'dist/src/main.js';
const sources = ['src', 'admin', 'migrations', 'seeders', 'scripts', 'tsconfig.json', 'package.json'];

function newest(entry) {
  if (!fs.existsSync(entry)) return 0;
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(entry).map((name) => newest(path.join(entry, name))));
}

if (!fs.existsSync(output) || fs.statSync(output).mtimeMs < Math.max(...sources.map(newest))) {
  console.log('building metax (tsc, back-office bundle)...');
  execSync('npm run build', { stdio: 'inherit' });
  fs.utimesSync(output, new Date(), new Date());
}
