import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * Where AdminJS finds the browser bundle of our components. AdminJS reads ADMIN_JS_TMP_DIR once,
 * when its module is first evaluated: import this module before `adminjs`.
 *
 * - Production: the bundle is built at build time (`npm run build` → dist/adminjs-bundle/bundle.js,
 *   minified) and served as a file; AdminJS does not bundle at start (ADMIN_JS_SKIP_BUNDLE). If the
 *   build output has no bundle, it bundles once at start into DATA_DIR instead.
 * - Development and tests: bundled on first use into DATA_DIR/adminjs/<hash of the component
 *   sources>, so an edited component never meets a stale bundle.
 * Never a dot-folder: Express 5 refuses to serve those in production (adminjs#1739).
 */

const here = path.dirname(fileURLToPath(import.meta.url));
/**
 * The .tsx sources, also when running from dist/admin: they are bundled for the browser (by
 * AdminJS's rollup + babel), never compiled by tsc.
 */
export const COMPONENTS_DIR =
  [path.join(here, 'components'), path.resolve(here, '..', '..', 'admin', 'components'), path.resolve('admin', 'components')].find((dir) => fs.existsSync(dir)) ??
  path.join(here, 'components');
/** The stylesheet, logo and font list of the back-office (served under /admin/metax/). */
export const ASSETS_DIR = path.join(path.dirname(COMPONENTS_DIR), 'assets');
/** Where `npm run build` writes the production bundle (dist/adminjs-bundle when running from dist/admin). */
export const PREBUILT_DIR = path.join(here, '..', 'adminjs-bundle');

/** A digest of the component sources: names and contents. */
export function componentsDigest(dir = COMPONENTS_DIR): string {
  const hash = createHash('sha256');
  for (const name of fs.readdirSync(dir).sort()) {
    hash.update(name);
    hash.update(fs.readFileSync(path.join(dir, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

export function devBundleDir(dataDir = process.env.DATA_DIR || './data'): string {
  return path.resolve(dataDir, 'adminjs', componentsDigest());
}

if (!process.env.ADMIN_JS_TMP_DIR) {
  if (process.env.NODE_ENV === 'production' && fs.existsSync(path.join(PREBUILT_DIR, 'bundle.js'))) {
    process.env.ADMIN_JS_TMP_DIR = PREBUILT_DIR;
    process.env.ADMIN_JS_SKIP_BUNDLE = 'true';
  } else if (process.env.NODE_ENV === 'production') {
    process.env.ADMIN_JS_TMP_DIR = path.resolve(process.env.DATA_DIR || './data', 'adminjs');
  } else {
    process.env.ADMIN_JS_TMP_DIR = devBundleDir();
  }
}
