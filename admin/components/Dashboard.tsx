import React, { useEffect, useState } from 'react';
import { Badge, Card, ErrorBox, Loading, Money, Table, When, call, failure, resourceUrl, rootPath } from './ui';

interface Queue {
  transaction_type: string;
  count: number;
  sum: string;
  oldest_at: string | null;
  oldest_age_seconds: number | null;
  awaiting_second_approval: number;
}
interface Pair {
  count: number;
  sum: string;
}
interface DashboardData {
  role: string;
  can: string[];
  generated_at: string;
  pending: Queue[];
  dual_approval_threshold: string;
  today: { signups: number; deposits_approved: Pair; withdrawals_paid: Pair; investments: Pair; commissions: Pair };
  wallets: { wallet_type: string; balance: string; locked_balance: string }[];
  mxc_price: { price: string; source: string; set_at: string; set_by: { id: number; username: string } | null } | null;
  crypto_feed: { stale: boolean; last_success_at: string | null; last_error: string | null; last_error_at: string | null; coins: number };
  jobs: { job_name: string; schedule: string; last_run: { id: number; outcome: string; started_at: string; finished_at: string | null; error: string | null } | null }[];
  trial_balance: { balanced: boolean; equation_holds: boolean; total_debits: string; total_credits: string };
  failed_emails: { count: number; oldest_at: string | null };
}

function age(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  return `${Math.floor(seconds / 86400)} d ${Math.floor((seconds % 86400) / 3600)} h`;
}

const QUEUE_LABEL: Record<string, string> = { deposit: 'Pending deposits', withdrawal: 'Pending withdrawals', adjustment: 'Adjustments awaiting a second person' };

/** Staff home: queues first (what needs doing), then today, money held, market and operations health. */
const Dashboard = () => {
  const [data, setData] = useState<DashboardData | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    call<DashboardData>('/api/dashboard').then((reply) => (reply.ok ? setData(reply.data) : setError(failure(reply))), (e: Error) => setError(e.message));
  }, []);

  if (error) return <ErrorBox message={error} />;
  if (!data) return <Loading />;
  const can = (capability: string) => data.can.includes(capability);
  const queueLink = (type: string) =>
    resourceUrl('transactions', { 'filters.status': 'pending', 'filters.transaction_type': type, sortBy: 'created_at', direction: 'asc' });

  return (
    <div className="mx-dashboard" data-testid="metax-dashboard">
      <header className="mx-dash-head">
        <h2>MetaX back-office</h2>
        <p className="mx-muted">
          Signed in as <strong>{data.role}</strong>
          {data.can.length === 0 ? ' — read-only' : ''}. Figures at <When at={data.generated_at} />; today is the UTC day.
        </p>
      </header>

      <div className="mx-grid">
        {data.pending.map((q) => (
          <Card key={q.transaction_type} title={QUEUE_LABEL[q.transaction_type]}>
            <div className="mx-stat" data-testid={`queue-${q.transaction_type}`}>
              <span className="mx-stat-count">{q.count}</span>
              <span className="mx-stat-sum">
                <Money value={q.sum} /> MXC
              </span>
            </div>
            <p className="mx-muted">
              Oldest waiting: {age(q.oldest_age_seconds)}
              {q.awaiting_second_approval ? ` · ${q.awaiting_second_approval} awaiting a second approval` : ''}
            </p>
            <a className="mx-link" href={queueLink(q.transaction_type)}>
              Open the queue, oldest first →
            </a>
          </Card>
        ))}
      </div>
      <p className="mx-muted">
        Four-eyes: withdrawals and adjustments of <Money value={data.dual_approval_threshold} /> MXC or more need two different staff members.
      </p>

      <div className="mx-grid">
        <Card title="Today">
          <Table
            head={['', 'Count', 'Sum (MXC)']}
            rows={[
              ['Sign-ups', data.today.signups, ''],
              ['Deposits approved', data.today.deposits_approved.count, <Money key="d" value={data.today.deposits_approved.sum} />],
              ['Withdrawals paid', data.today.withdrawals_paid.count, <Money key="w" value={data.today.withdrawals_paid.sum} />],
              ['Investments', data.today.investments.count, <Money key="i" value={data.today.investments.sum} />],
              ['Commissions', data.today.commissions.count, <Money key="c" value={data.today.commissions.sum} />],
            ]}
          />
        </Card>
        <Card title="Wallets across members">
          <Table head={['Wallet', 'Balance', 'Locked']} rows={data.wallets.map((w) => [w.wallet_type, <Money key="b" value={w.balance} />, <Money key="l" value={w.locked_balance} />])} />
        </Card>
      </div>

      <div className="mx-grid">
        <Card title="MXC price">
          {data.mxc_price ? (
            <>
              <div className="mx-stat">
                <span className="mx-stat-count">
                  <Money value={data.mxc_price.price} />
                </span>
              </div>
              <p className="mx-muted">
                Set <When at={data.mxc_price.set_at} /> by {data.mxc_price.set_by ? <a href={`${rootPath()}/resources/staff/records/${data.mxc_price.set_by.id}/show`}>{data.mxc_price.set_by.username}</a> : data.mxc_price.source}
              </p>
            </>
          ) : (
            <p className="mx-muted">No price has been set.</p>
          )}
          {can('market.write') ? (
            <a className="mx-link" href={`${rootPath()}/resources/MXCPrice/actions/new`}>
              Set the MXC price →
            </a>
          ) : null}
        </Card>
        <Card title="Crypto feed (CoinGecko)">
          <p>
            <Badge value={data.crypto_feed.stale ? 'stale' : 'fresh'} /> {data.crypto_feed.coins} coins
          </p>
          <p className="mx-muted">
            Last success: <When at={data.crypto_feed.last_success_at} />
          </p>
          {data.crypto_feed.last_error ? (
            <p className="mx-muted">
              Last error (<When at={data.crypto_feed.last_error_at} />): {data.crypto_feed.last_error}
            </p>
          ) : null}
        </Card>
        <Card title="Ledger">
          <p data-testid="trial-balance">
            <Badge value={data.trial_balance.balanced && data.trial_balance.equation_holds ? 'balanced' : 'failed'} /> Trial balance
          </p>
          <p className="mx-muted">
            Debits <Money value={data.trial_balance.total_debits} /> · credits <Money value={data.trial_balance.total_credits} />
          </p>
        </Card>
        <Card title="Email">
          <p>
            <Badge value={data.failed_emails.count ? 'failed' : 'sent'} /> {data.failed_emails.count} failed
          </p>
          {data.failed_emails.count ? (
            <a className="mx-link" href={resourceUrl('email_outbox', { 'filters.status': 'failed' })}>
              Review failed mail →
            </a>
          ) : null}
        </Card>
      </div>

      <Card title="Jobs: last run of each" wide>
        <Table
          head={['Job', 'Schedule', 'Outcome', 'Started', 'Error']}
          rows={data.jobs.map((j) => [
            <a key="n" href={resourceUrl('job_runs', { 'filters.job_name': j.job_name })}>
              {j.job_name}
            </a>,
            <code key="s">{j.schedule}</code>,
            j.last_run ? <Badge key="o" value={j.last_run.outcome} /> : <span key="o" className="mx-muted">never ran</span>,
            <When key="t" at={j.last_run?.started_at ?? null} />,
            j.last_run?.error ?? '',
          ])}
        />
        {can('jobs.dashboard') ? (
          <a className="mx-link" href={`${rootPath()}/jobs/`}>
            Open the job dashboard (agendash) →
          </a>
        ) : null}
      </Card>

      {data.can.length ? (
        <Card title="Actions" wide>
          <div className="mx-actions">
            {can('income.distribute') ? <a className="mx-button" href={`${rootPath()}/resources/incomes/actions/distribute`}>Distribute income</a> : null}
            {can('staking.run') ? <a className="mx-button" href={`${rootPath()}/resources/staking_runs/actions/runStaking`}>Run staking for a date</a> : null}
            {can('transactions.decide') ? <a className="mx-button" href={queueLink('withdrawal')}>Work the withdrawal queue</a> : null}
            {can('staff.manage') ? <a className="mx-button" href={`${rootPath()}/resources/staff`}>Staff</a> : null}
            {can('config.manage') ? <a className="mx-button" href={`${rootPath()}/resources/configuration`}>Configuration</a> : null}
          </div>
        </Card>
      ) : null}
    </div>
  );
};

export default Dashboard;
