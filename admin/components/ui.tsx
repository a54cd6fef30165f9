import React from 'react';

/*
 * Small building blocks shared by the back-office's own components. Plain React and one stylesheet
 * (admin/assets/backoffice.css): no external fonts, images or scripts.
 */

interface ReduxWindow {
  REDUX_STATE?: { paths?: { rootPath?: string } };
}

export function rootPath(): string {
  return (window as unknown as ReduxWindow).REDUX_STATE?.paths?.rootPath ?? '/admin';
}

export const resourceUrl = (resourceId: string, query?: Record<string, string>) =>
  `${rootPath()}/resources/${resourceId}${query ? `?${new URLSearchParams(query).toString()}` : ''}`;
export const recordUrl = (resourceId: string, recordId: string | number, action = 'show') => `${rootPath()}/resources/${resourceId}/records/${recordId}/${action}`;

export interface Reply<T> {
  ok: boolean;
  status: number;
  data: T;
}

/** JSON request to the back-office's own API (same origin, session cookie). */
export async function call<T = Record<string, unknown>>(path: string, body?: Record<string, unknown>): Promise<Reply<T>> {
  const res = await fetch(`${rootPath()}${path}`, {
    method: body ? 'POST' : 'GET',
    credentials: 'same-origin',
    headers: body ? { 'content-type': 'application/json', accept: 'application/json' } : { accept: 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  let data: unknown;
  try {
    data = await res.json();
  } catch {
    data = { error: { message: `Unexpected answer (${res.status})` } };
  }
  return { ok: res.ok, status: res.status, data: data as T };
}

/** The message of a failed reply: the API's error shape or an AdminJS notice. */
export function failure(reply: Reply<unknown>): string {
  const data = reply.data as { error?: { message?: string; details?: { field: string; message: string }[] }; notice?: { message?: string } } | null;
  const details = data?.error?.details?.map((d) => `${d.field} ${d.message}`).join('; ');
  return data?.error?.message ? `${data.error.message}${details ? `: ${details}` : ''}` : (data?.notice?.message ?? `Request failed (${reply.status})`);
}

export const Money = ({ value }: { value: string | null | undefined }) => <span className="mx-money">{value ?? '—'}</span>;

const BADGE: Record<string, string> = {
  pending: 'warn',
  running: 'info',
  retrying: 'warn',
  completed: 'ok',
  success: 'ok',
  sent: 'ok',
  active: 'ok',
  approved: 'ok',
  rejected: 'bad',
  failed: 'bad',
  reversed: 'bad',
  cancelled: 'muted',
  skipped: 'muted',
  abandoned: 'bad',
  inactive: 'bad',
  sending: 'info',
  fresh: 'ok',
  balanced: 'ok',
  stale: 'warn',
};

export const Badge = ({ value }: { value: string | null | undefined }) =>
  value ? <span className={`mx-badge mx-badge-${BADGE[String(value).toLowerCase()] ?? 'muted'}`}>{value}</span> : <span>—</span>;

export const Card = ({ title, children, wide }: { title: string; children: React.ReactNode; wide?: boolean }) => (
  <section className={`mx-card${wide ? ' mx-card-wide' : ''}`}>
    <h3 className="mx-card-title">{title}</h3>
    {children}
  </section>
);

export function Table({ head, rows, empty = 'Nothing yet' }: { head: string[]; rows: React.ReactNode[][]; empty?: string }) {
  if (!rows.length) return <p className="mx-muted">{empty}</p>;
  return (
    <div className="mx-table-wrap">
      <table className="mx-table">
        <thead>
          <tr>{head.map((h, i) => <th key={i}>{h}</th>)}</tr>
        </thead>
        <tbody>
          {rows.map((cells, i) => (
            <tr key={i}>{cells.map((c, j) => <td key={j}>{c}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export const When = ({ at }: { at: string | null | undefined }) => <span className="mx-nowrap">{at ? new Date(at).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '—'}</span>;

export function Loading() {
  return <p className="mx-muted">Loading…</p>;
}

export function ErrorBox({ message }: { message: string }) {
  return (
    <div className="mx-error" role="alert">
      {message}
    </div>
  );
}
