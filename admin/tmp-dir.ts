import path from 'node:path';

/**
 * AdminJS reads ADMIN_JS_TMP_DIR once, when its module is first evaluated, and writes its component
 * bundle there. Its default, `.adminjs`, is a dot-folder that Express 5 refuses to serve in
 * production (adminjs#1739), so the bundle 404s. Import this module before `adminjs`.
 */
process.env.ADMIN_JS_TMP_DIR ??= path.resolve(process.env.DATA_DIR || './data', 'adminjs');
