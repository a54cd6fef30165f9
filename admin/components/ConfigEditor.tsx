import React, { useEffect, useState } from 'react';
import { useNotice } from 'adminjs';
import { ErrorBox, Loading, When, call, failure } from './ui';

interface Entry {
  key: string;
  value: unknown;
  text: string;
  kind: 'text' | 'json' | 'boolean' | 'number';
  description: string;
  updated_at: string | null;
  updated_by: { id: number; username: string | null } | null;
}

/**
 * Every configuration key with its meaning and current value; each saves on its own through the
 * same validation as PUT /api/admin/config. An invalid value keeps the input and shows the reason
 * under the field.
 */
const ConfigEditor = () => {
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const addNotice = useNotice();

  const load = () =>
    call<{ config: Entry[] }>('/api/resources/configuration/actions/list').then(
      (reply) => {
        if (!reply.ok) return setError(failure(reply));
        setEntries(reply.data.config);
        setDrafts(Object.fromEntries(reply.data.config.map((e) => [e.key, e.text])));
      },
      (e: Error) => setError(e.message),
    );
  useEffect(() => {
    void load();
  }, []);

  async function save(key: string) {
    setBusy(key);
    try {
      const reply = await call<{ notice?: { message: string; type: string }; errors?: Record<string, string> }>('/api/resources/configuration/actions/save', {
        key,
        value: drafts[key],
      });
      const message = reply.ok ? reply.data.errors?.[key] : failure(reply);
      if (message) {
        setErrors((e) => ({ ...e, [key]: message }));
        return;
      }
      setErrors((e) => ({ ...e, [key]: '' }));
      addNotice({ message: reply.data.notice?.message ?? `${key} saved`, type: 'success' });
      await load();
    } finally {
      setBusy(null);
    }
  }

  if (error) return <ErrorBox message={error} />;
  if (!entries) return <Loading />;
  return (
    <div className="mx-config" data-testid="config-editor">
      <p className="mx-intro">A change applies to operations that start after it and is kept in the audit log.</p>
      {entries.map((e) => (
        <div className="mx-config-row" key={e.key} data-testid={`config-${e.key}`}>
          <div className="mx-config-head">
            <code className="mx-config-key">{e.key}</code>
            <span className="mx-muted">
              {e.updated_at ? (
                <>
                  changed <When at={e.updated_at} /> by {e.updated_by?.username ?? 'seed'}
                </>
              ) : (
                'default'
              )}
            </span>
          </div>
          <p className="mx-help">{e.description}</p>
          <div className="mx-config-edit">
            {e.kind === 'boolean' ? (
              <select name={e.key} value={drafts[e.key]} onChange={(ev) => setDrafts((d) => ({ ...d, [e.key]: ev.target.value }))}>
                <option value="true">true</option>
                <option value="false">false</option>
              </select>
            ) : e.kind === 'json' ? (
              <textarea name={e.key} rows={Math.min(12, drafts[e.key].split('\n').length + 1)} value={drafts[e.key]} onChange={(ev) => setDrafts((d) => ({ ...d, [e.key]: ev.target.value }))} />
            ) : (
              <input name={e.key} value={drafts[e.key]} onChange={(ev) => setDrafts((d) => ({ ...d, [e.key]: ev.target.value }))} />
            )}
            <button type="button" className="mx-button mx-button-primary" disabled={busy === e.key || drafts[e.key] === e.text} onClick={() => void save(e.key)}>
              {busy === e.key ? 'Saving…' : 'Save'}
            </button>
          </div>
          {errors[e.key] ? (
            <small className="mx-field-error" role="alert">
              {errors[e.key]}
            </small>
          ) : null}
        </div>
      ))}
    </div>
  );
};

export default ConfigEditor;
