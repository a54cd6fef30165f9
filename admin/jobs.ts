import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import express, { type RequestHandler } from 'express';
import type pg from 'pg';
import { can } from '../src/auth/permissions.js';
import { audit } from '../src/audit/audit.service.js';
import type { Role } from '../src/users/user.model.js';

const require = createRequire(import.meta.url);

/** A plain page in the back-office's style (refusals, messages), linking back to the panel. */
export function simplePage(rootPath: string, title: string, message: string): string {
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)} · MetaX back-office</title>
<link rel="icon" href="${rootPath}/metax/favicon.svg"><link rel="stylesheet" href="${rootPath}/metax/backoffice.css"></head>
<body style="font-family: Roboto, sans-serif; background: #f6f8fa; margin: 0"><main class="mx-form" style="margin: 64px auto; background: #fff; border: 1px solid #e3e8ee; border-radius: 6px">
<img src="${rootPath}/metax/logo.svg" alt="MetaX" height="40"><h2 style="font-size: 22px; margin: 16px 0">${escape(title)}</h2>
<p class="mx-intro">${escape(message)}</p><a class="mx-button mx-button-primary" href="${rootPath}">Back to the back-office</a></main></body></html>`;
}

/** Agendash's page with a way back to the back-office (agendash has no link of its own). */
function agendashIndex(rootPath: string): string {
  const file = path.join(path.dirname(require.resolve('agendash')), '..', 'public', 'index.html');
  const link = `<a href="${rootPath}" style="position:fixed;right:16px;bottom:16px;z-index:1000;background:#1d4f9c;color:#fff;padding:8px 14px;border-radius:4px;font:500 14px sans-serif;text-decoration:none">← MetaX back-office</a>`;
  return fs.readFileSync(file, 'utf8').replace('<body>', `<body>${link}`);
}

/**
 * The job dashboard behind the staff session: admins only (others get a page saying so), a link
 * back to the panel, and every change (create, requeue, retry, delete) audited with the jobs' names.
 */
export function jobsDashboard(opts: { rootPath: string; dashboard: RequestHandler; pool: pg.Pool }): express.Router {
  const router = express.Router();
  const index = agendashIndex(opts.rootPath);
  router.use((req, res, next) => {
    const staff = req.session.adminUser;
    if (!staff) return res.redirect(`${opts.rootPath}/login`);
    if (!can(staff.role as Role, 'jobs.dashboard')) {
      return res.status(403).type('html').send(simplePage(opts.rootPath, 'The job dashboard needs the admin role', `You are signed in as ${staff.role}. Every job run is listed under Operations → Job runs.`));
    }
    next();
  });
  router.get(['/', '/index.html'], (req, res, next) => {
    if (req.originalUrl.split('?')[0].endsWith('/jobs')) return res.redirect(`${opts.rootPath}/jobs/`);
    if (req.path === '/' || req.path === '/index.html') return res.type('html').setHeader('Cache-Control', 'no-cache').send(index);
    next();
  });
  router.use(express.json({ limit: '100kb' }), auditJobChanges(opts.pool));
  router.use(opts.dashboard);
  return router;
}

async function jobNames(pool: pg.Pool, ids: unknown): Promise<string[]> {
  if (!Array.isArray(ids) || !ids.length) return [];
  const valid = ids.filter((id): id is string => typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id)).slice(0, 500);
  if (!valid.length) return [];
  try {
    const { rows } = await pool.query<{ name: string }>(`SELECT DISTINCT name FROM agenda_jobs WHERE id = ANY($1::uuid[]) ORDER BY name`, [valid]);
    return rows.map((r) => r.name);
  } catch {
    return []; // another Agenda backend (MongoDB): the ids are still recorded
  }
}

/** Each change names what it touched: the jobs (names and ids), read before a delete removes them. */
export function auditJobChanges(pool: pg.Pool): RequestHandler {
  return async (req, res, next) => {
    const staff = req.session.adminUser;
    if (req.method === 'GET' || !staff) return next();
    const body = (req.body ?? {}) as { jobIds?: unknown; jobName?: unknown };
    const names = typeof body.jobName === 'string' ? [body.jobName.slice(0, 100)] : await jobNames(pool, body.jobIds);
    const operation = req.path.replace(/^\/api\/jobs\//, '').replace(/[^a-z]/gi, '').slice(0, 20) || 'change';
    res.on('finish', () => {
      audit(
        { id: Number(staff.id), role: staff.role as Role },
        {
          action: `jobs.${operation}`,
          target: { type: 'job', id: names.join(', ').slice(0, 64) || null },
          after: { status: res.statusCode, jobs: names, job_ids: Array.isArray(body.jobIds) ? body.jobIds.slice(0, 100) : [] },
        },
      ).catch((err) => req.log?.error({ err }, 'could not audit a job dashboard change'));
    });
    next();
  };
}
