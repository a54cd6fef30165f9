import React, { useEffect, useState } from 'react';
import type { ActionProps } from 'adminjs';
import { Badge, Card, ErrorBox, Loading, Money, Table, When, call, failure, recordUrl, resourceUrl } from './ui';

interface Person {
  id: number;
  username: string | null;
}
interface TreeNode {
  id: number;
  username: string;
  level: number;
  is_active: boolean;
  investment: string;
  rank: string;
  children: TreeNode[];
}
interface Overview {
  profile: {
    id: number;
    username: string;
    email: string;
    first_name: string;
    last_name: string;
    rank: string;
    is_active: boolean;
    referral_code: string;
    total_investment: string;
    team_volume: string;
    created_at: string;
    sponsor: Person | null;
    last_status_change: { action: string; reason: string | null; at: string; by: Person | null } | null;
  };
  wallets: { wallet_type: string; balance: string; locked_balance: string }[];
  ledger_movements: { posting_id: number; kind: string; description: string | null; transaction_id: number | null; wallet_type: string; bucket: string; change: string; created_at: string }[];
  transactions: { id: number; transaction_type: string; wallet_type: string; amount: string; status: string; created_at: string }[];
  incomes: { id: number; income_type: string; amount: string; level: number | null; status: string; from_user: Person | null; created_at: string }[];
  investments: { id: number; amount: string; source_wallet: string; status: string; created_at: string }[];
  downline: { level: number; members: number; active: number; invested: string }[];
  tree: { tree: TreeNode[]; truncated: boolean; nodes: number };
}

const MemberLink = ({ person }: { person: Person | null }) =>
  person ? <a href={recordUrl('users', person.id, 'show')}>{person.username ?? `#${person.id}`}</a> : <span className="mx-muted">—</span>;

function Tree({ nodes }: { nodes: TreeNode[] }) {
  if (!nodes.length) return null;
  return (
    <ul className="mx-tree">
      {nodes.map((n) => (
        <li key={n.id}>
          <MemberLink person={{ id: n.id, username: n.username }} /> <span className="mx-muted">L{n.level}</span> <Badge value={n.is_active ? 'active' : 'inactive'} />{' '}
          <Money value={n.investment} /> <span className="mx-muted">{n.rank}</span>
          <Tree nodes={n.children} />
        </li>
      ))}
    </ul>
  );
}

/** The member page: who they are, what they hold, what happened lately, their team, and what staff can do. */
const MemberPage = ({ record, resource }: ActionProps) => {
  const [data, setData] = useState<Overview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = record?.id;

  useEffect(() => {
    if (!id) return;
    call<{ overview: Overview }>(`/api/resources/${resource.id}/records/${id}/show?overview=1`).then(
      (reply) => (reply.ok && reply.data.overview ? setData(reply.data.overview) : setError(failure(reply))),
      (e: Error) => setError(e.message),
    );
  }, [id, resource.id]);

  if (error) return <ErrorBox message={error} />;
  if (!data) return <Loading />;
  const p = data.profile;

  return (
    <div className="mx-member" data-testid="member-page">
      <header className="mx-dash-head">
        <h2>
          {p.first_name} {p.last_name} <span className="mx-muted">@{p.username}</span>
        </h2>
        <p>
          <Badge value={p.is_active ? 'active' : 'inactive'} /> <span className="mx-pill">{p.rank}</span> member #{p.id} since <When at={p.created_at} />
        </p>
        {p.last_status_change ? (
          <p className="mx-muted">
            {p.last_status_change.action === 'user.deactivate' ? 'Deactivated' : 'Reactivated'} <When at={p.last_status_change.at} /> by{' '}
            {p.last_status_change.by?.username ?? 'system'}: {p.last_status_change.reason}
          </p>
        ) : null}
      </header>

      <div className="mx-grid">
        <Card title="Profile">
          <Table
            head={['', '']}
            rows={[
              ['Email', p.email],
              ['Sponsor', <MemberLink key="s" person={p.sponsor} />],
              ['Referral code', <code key="r">{p.referral_code}</code>],
              ['Invested', <Money key="i" value={p.total_investment} />],
              ['Team volume (L1-5)', <Money key="t" value={p.team_volume} />],
            ]}
          />
        </Card>
        <Card title="Wallets">
          <Table head={['Wallet', 'Balance', 'Locked']} rows={data.wallets.map((w) => [w.wallet_type, <Money key="b" value={w.balance} />, <Money key="l" value={w.locked_balance} />])} />
        </Card>
      </div>

      <Card title="Latest ledger movements" wide>
        <Table
          head={['When', 'Wallet', 'Bucket', 'Change', 'Kind', 'Transaction', 'Description']}
          rows={data.ledger_movements.map((m) => [
            <When key="w" at={m.created_at} />,
            m.wallet_type,
            m.bucket,
            <Money key="c" value={m.change} />,
            m.kind,
            m.transaction_id ? <a key="t" href={recordUrl('transactions', m.transaction_id)}>#{m.transaction_id}</a> : '',
            m.description ?? '',
          ])}
        />
      </Card>

      <div className="mx-grid">
        <Card title="Transactions">
          <Table
            head={['#', 'Type', 'Wallet', 'Amount', 'Status', 'When']}
            rows={data.transactions.map((t) => [
              <a key="i" href={recordUrl('transactions', t.id)}>#{t.id}</a>,
              t.transaction_type,
              t.wallet_type,
              <Money key="a" value={t.amount} />,
              <Badge key="s" value={t.status} />,
              <When key="w" at={t.created_at} />,
            ])}
          />
          <a className="mx-link" href={resourceUrl('transactions', { 'filters.user_id': String(p.id) })}>
            All transactions →
          </a>
        </Card>
        <Card title="Incomes">
          <Table
            head={['Type', 'Amount', 'From', 'Level', 'When']}
            rows={data.incomes.map((i) => [i.income_type, <Money key="a" value={i.amount} />, <MemberLink key="f" person={i.from_user} />, i.level ?? '', <When key="w" at={i.created_at} />])}
          />
          <a className="mx-link" href={resourceUrl('incomes', { 'filters.user_id': String(p.id) })}>
            All incomes →
          </a>
        </Card>
        <Card title="Investments">
          <Table
            head={['#', 'Amount', 'From wallet', 'Status', 'When']}
            rows={data.investments.map((i) => [
              <a key="i" href={recordUrl('investments', i.id)}>#{i.id}</a>,
              <Money key="a" value={i.amount} />,
              i.source_wallet,
              <Badge key="s" value={i.status} />,
              <When key="w" at={i.created_at} />,
            ])}
          />
        </Card>
      </div>

      <div className="mx-grid">
        <Card title="Downline by level">
          <Table head={['Level', 'Members', 'Active', 'Invested']} rows={data.downline.map((d) => [d.level, d.members, d.active, <Money key="i" value={d.invested} />])} />
        </Card>
        <Card title={`Team tree (5 levels${data.tree.truncated ? `, first ${data.tree.nodes} members` : ''})`}>
          {data.tree.tree.length ? <Tree nodes={data.tree.tree} /> : <p className="mx-muted">No downline yet</p>}
        </Card>
      </div>
    </div>
  );
};

export default MemberPage;
