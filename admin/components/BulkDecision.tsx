import React, { useState } from 'react';
import type { ActionProps } from 'adminjs';
import { ErrorBox, Money, Table, call, failure, recordUrl } from './ui';

interface Outcome {
  id: string;
  ok: boolean;
  message: string;
}

/** Approve or reject the selected pending transactions, each through the service on its own; every result is shown. */
const BulkDecision = ({ action, resource, records = [] }: ActionProps) => {
  const reject = action.name === 'bulkReject';
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [outcomes, setOutcomes] = useState<Outcome[] | null>(null);

  async function run() {
    setBusy(true);
    setError(null);
    try {
      const ids = records.map((r) => r.id).join(',');
      const reply = await call<{ results?: Outcome[]; errors?: Record<string, string> }>(`/api/resources/${resource.id}/bulk/${action.name}?recordIds=${ids}`, { reason });
      if (!reply.ok) return setError(failure(reply));
      if (reply.data.errors?.reason) return setError(reply.data.errors.reason);
      setOutcomes(reply.data.results ?? []);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="mx-form" data-testid={`bulk-${action.name}`}>
      <p className="mx-intro">
        {reject ? 'Reject' : 'Approve'} {records.length} transaction(s), one by one. Large withdrawals and adjustments still need two different people.
      </p>
      <Table
        head={['#', 'Type', 'Amount', 'Status', 'Result']}
        rows={records.map((r) => {
          const outcome = outcomes?.find((o) => o.id === String(r.id));
          return [
            <a key="i" href={recordUrl(resource.id, r.id)}>#{r.id}</a>,
            String(r.params.transaction_type ?? ''),
            <Money key="a" value={String(r.params.amount ?? '')} />,
            String(r.params.status ?? ''),
            outcome ? <span key="o" className={outcome.ok ? 'mx-ok' : 'mx-bad'}>{outcome.message}</span> : '',
          ];
        })}
      />
      {reject ? (
        <div className="mx-field">
          <label htmlFor="mx-reason">Reason (sent to each member)</label>
          <textarea id="mx-reason" value={reason} onChange={(e) => setReason(e.target.value)} rows={2} />
        </div>
      ) : null}
      {error ? <ErrorBox message={error} /> : null}
      {outcomes ? null : (
        <button type="button" className={`mx-button mx-button-${reject ? 'danger' : 'success'}`} disabled={busy} onClick={() => void run()} data-testid="bulk-confirm">
          {busy ? 'Working…' : `${reject ? 'Reject' : 'Approve'} ${records.length}`}
        </button>
      )}
    </div>
  );
};

export default BulkDecision;
