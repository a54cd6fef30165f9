import React, { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { useNotice, type ActionProps } from 'adminjs';
import { ErrorBox, Table, call, failure } from './ui';

/*
 * One component for every back-office form that runs a service (adjust a wallet, deactivate,
 * distribute income, run staking, staff, process, reverse, approve): the action's `custom` says
 * which fields to show. The form keeps its input and shows each field's message on a validation
 * error; with `preview`, a first step shows what would happen and a second confirms it. Every
 * confirm carries a token made when the form opened: a double click (or a resend) of the same
 * form runs the service once.
 */

export interface Field {
  name: string;
  label: string;
  type?: 'text' | 'textarea' | 'select' | 'date' | 'checkbox';
  options?: { value: string; label: string }[];
  help?: string;
  /** Initial value, or the record param of that name. */
  initial?: string;
  fromRecord?: string;
}

export interface FormSpec {
  fields: Field[];
  intro?: string;
  submit: string;
  preview?: boolean;
  tone?: 'primary' | 'danger' | 'success';
  /** Record fields shown above the form (what is being acted on). */
  summary?: string[];
}

interface Reply {
  notice?: { message: string; type: string };
  errors?: Record<string, string>;
  preview?: Record<string, unknown>;
  redirectUrl?: string;
  result?: Record<string, unknown>;
}

const newToken = () => (globalThis.crypto?.randomUUID ? globalThis.crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

function Value({ value }: { value: unknown }) {
  if (Array.isArray(value)) {
    if (!value.length) return <span className="mx-muted">none</span>;
    if (typeof value[0] === 'object') {
      const head = Object.keys(value[0] as object);
      return <Table head={head} rows={value.map((v) => head.map((h) => String((v as Record<string, unknown>)[h] ?? '')))} />;
    }
    return <span>{value.join(', ')}</span>;
  }
  if (value && typeof value === 'object') return <code>{JSON.stringify(value)}</code>;
  return <span className="mx-money">{value === null || value === undefined ? '—' : String(value)}</span>;
}

export function Facts({ facts, testId }: { facts: Record<string, unknown>; testId?: string }) {
  return (
    <dl className="mx-facts" data-testid={testId}>
      {Object.entries(facts).map(([k, v]) => (
        <React.Fragment key={k}>
          <dt>{k.replace(/_/g, ' ')}</dt>
          <dd>
            <Value value={v} />
          </dd>
        </React.Fragment>
      ))}
    </dl>
  );
}

const ActionForm = ({ action, resource, record }: ActionProps) => {
  const spec = (action.custom ?? { fields: [], submit: action.label }) as FormSpec;
  const navigate = useNavigate();
  const addNotice = useNotice();
  const initial = useMemo(
    () => Object.fromEntries(spec.fields.map((f) => [f.name, f.initial ?? (f.fromRecord ? String(record?.params?.[f.fromRecord] ?? '') : '')])),
    [spec, record],
  );
  const [values, setValues] = useState<Record<string, string>>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [preview, setPreview] = useState<Record<string, unknown> | null>(null);
  const [result, setResult] = useState<Record<string, unknown> | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [token, setToken] = useState(newToken);

  const url = record ? `/api/resources/${resource.id}/records/${record.id}/${action.name}` : `/api/resources/${resource.id}/actions/${action.name}`;

  const set = (name: string, value: string) => {
    setValues((v) => ({ ...v, [name]: value }));
    setPreview(null);
  };

  async function send(step: 'preview' | 'confirm') {
    if (busy) return;
    setBusy(true);
    setMessage(null);
    try {
      const reply = await call<Reply>(url, { ...values, step, form_token: token });
      const data = reply.data ?? {};
      if (!reply.ok) {
        const details = (data as { error?: { details?: { field: string; message: string }[] } }).error?.details ?? [];
        setErrors(Object.fromEntries(details.map((d) => [d.field, d.message])));
        setMessage(failure(reply));
        return;
      }
      setErrors(data.errors ?? {});
      if (data.notice?.type === 'error') {
        setMessage(data.notice.message);
        return;
      }
      if (data.preview) {
        setPreview(data.preview);
        return;
      }
      if (data.notice) addNotice({ message: data.notice.message, type: data.notice.type as 'success' });
      setResult(data.result ?? null);
      setPreview(null);
      setToken(newToken());
      if (data.redirectUrl && !data.result) navigate(data.redirectUrl.replace(/^https?:\/\/[^/]+/, ''));
    } catch (e) {
      setMessage((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="mx-form"
      data-testid={`form-${action.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void send(spec.preview && !preview ? 'preview' : 'confirm');
      }}
    >
      {spec.intro ? <p className="mx-intro">{spec.intro}</p> : null}
      {spec.summary && record ? (
        <Facts
          testId="summary"
          facts={Object.fromEntries(spec.summary.map((k) => [k, (record.populated?.[k] as { title?: string } | undefined)?.title ?? record.params?.[k] ?? '']))}
        />
      ) : null}
      {spec.fields.map((f) => (
        <div className="mx-field" key={f.name} data-testid={`field-${f.name}`}>
          <label htmlFor={`mx-${f.name}`}>{f.label}</label>
          {f.type === 'textarea' ? (
            <textarea id={`mx-${f.name}`} name={f.name} value={values[f.name]} onChange={(e) => set(f.name, e.target.value)} rows={3} />
          ) : f.type === 'select' ? (
            <select id={`mx-${f.name}`} name={f.name} value={values[f.name]} onChange={(e) => set(f.name, e.target.value)}>
              <option value="">Choose…</option>
              {(f.options ?? []).map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          ) : f.type === 'checkbox' ? (
            <input id={`mx-${f.name}`} name={f.name} type="checkbox" checked={values[f.name] === 'true'} onChange={(e) => set(f.name, String(e.target.checked))} />
          ) : (
            <input id={`mx-${f.name}`} name={f.name} type={f.type === 'date' ? 'date' : 'text'} value={values[f.name]} onChange={(e) => set(f.name, e.target.value)} autoComplete="off" />
          )}
          {f.help ? <small className="mx-help">{f.help}</small> : null}
          {errors[f.name] ? (
            <small className="mx-field-error" role="alert">
              {errors[f.name]}
            </small>
          ) : null}
        </div>
      ))}
      {message ? <ErrorBox message={message} /> : null}
      {preview ? (
        <div className="mx-preview">
          <h4>Preview — nothing has happened yet</h4>
          <Facts facts={preview} testId="preview" />
        </div>
      ) : null}
      {result ? (
        <div className="mx-result" data-testid="result">
          <h4>Done</h4>
          <Facts facts={result} />
        </div>
      ) : null}
      <div className="mx-form-buttons">
        <button type="submit" className={`mx-button mx-button-${spec.tone ?? 'primary'}`} disabled={busy} data-testid="form-submit">
          {busy ? 'Working…' : spec.preview && !preview ? 'Preview' : spec.submit}
        </button>
        {preview ? (
          <button type="button" className="mx-button mx-button-plain" onClick={() => setPreview(null)} disabled={busy}>
            Change
          </button>
        ) : null}
      </div>
    </form>
  );
};

export default ActionForm;
