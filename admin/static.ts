import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import compression from 'compression';
import express, { type RequestHandler } from 'express';
import { Router as AdminRoutes } from 'adminjs';
import { ASSETS_DIR, componentsDigest, PREBUILT_DIR } from './bundle-location.js';

const require = createRequire(import.meta.url);
const FONTS_DIR = path.join(path.dirname(require.resolve('@fontsource/roboto/package.json')), 'files');
const YEAR = 365 * 24 * 3600;

/**
 * A version for everything the browser caches: AdminJS itself, our component bundle and our
 * stylesheet. Asset URLs carry it (`?v=`), so they can be cached for a year and still change on
 * the next deploy.
 */
export function assetsVersion(): string {
  const hash = createHash('sha256');
  hash.update(fs.readFileSync(path.join(path.dirname(require.resolve('adminjs')), 'package.json')));
  const prebuilt = path.join(PREBUILT_DIR, 'bundle.js');
  hash.update(process.env.ADMIN_JS_SKIP_BUNDLE === 'true' && fs.existsSync(prebuilt) ? fs.readFileSync(prebuilt) : componentsDigest());
  hash.update(fs.readFileSync(path.join(ASSETS_DIR, 'backoffice.css')));
  return hash.digest('hex').slice(0, 12);
}

/**
 * ADMIN_JS_FRONTEND=production serves AdminJS's own minified React and design-system bundles
 * outside production too: the test suite sets it, so its browsers parse 3 MB per page instead of
 * the 26 MB of development builds. Production uses them anyway.
 */
export function useMinifiedFrontend(): void {
  if (process.env.ADMIN_JS_FRONTEND !== 'production' || process.env.NODE_ENV === 'production') return;
  for (const asset of AdminRoutes.assets) {
    const minified = asset.src.replace(/([.-])development\.js$/, '$1production.js');
    if (minified !== asset.src && fs.existsSync(minified)) asset.src = minified;
  }
}

function cacheFor(version: string): RequestHandler {
  return (req, res, next) => {
    res.setHeader('Cache-Control', req.query.v === version ? `public, max-age=${YEAR}, immutable` : 'no-cache');
    next();
  };
}

/**
 * Serves the back-office's own assets (stylesheet, logo, Roboto) under /admin/metax, compresses
 * every back-office answer, marks versioned asset URLs cacheable, and rewrites AdminJS's pages so
 * that they load nothing from another host (AdminJS links Google Fonts) and carry the version on
 * their scripts.
 */
export function backOfficeAssets(rootPath: string, version: string): express.Router {
  useMinifiedFrontend();
  const router = express.Router();
  // Production serves minified bundles compressed; development's unminified ones are local only.
  if (process.env.NODE_ENV === 'production') router.use(compression());
  router.use('/metax/fonts', cacheFor(version), express.static(FONTS_DIR, { fallthrough: false, index: false, cacheControl: false }));
  router.use('/metax', cacheFor(version), express.static(ASSETS_DIR, { fallthrough: false, index: false, cacheControl: false }));
  router.use('/frontend/assets', cacheFor(version));
  router.use((_req, res, next) => {
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      if (typeof body === 'string' && body.trimStart().startsWith('<!DOCTYPE html>')) {
        body = body
          .replace(/<link[^>]+fonts\.googleapis\.com[^>]*>/g, '')
          .replace(new RegExp(`(${rootPath}/frontend/assets/[\\w.-]+\\.js)"`, 'g'), `$1?v=${version}"`);
      }
      return send(body);
    };
    next();
  });
  return router;
}
