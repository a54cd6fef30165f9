import { emailOutboxLabel } from './resources/labels.js';
import { marketTranslations } from './resources/market.resource.js';

/**
 * The back-office's words: menu and button names, field labels, and AdminJS messages whose
 * placeholders would otherwise show as `{{actionName}}`.
 */
export const translations = {
  labels: {
    ...emailOutboxLabel,
    users: 'Members',
    staff: 'Staff',
    transactions: 'Transactions',
    investments: 'Investments',
    incomes: 'Incomes',
    staking_runs: 'Staking runs',
    audit_logs: 'Audit log',
    job_runs: 'Job runs',
    configuration: 'Configuration',
    jobs: 'Job dashboard',
    loginWelcome: 'MetaX back-office',
  },
  pages: { jobs: 'Job dashboard' },
  messages: {
    forbiddenError: 'Your role may not do this',
    anyForbiddenError: 'Your role may not do this',
    error404Resource: 'There is no such list',
    error404Action: 'There is no such action here, or your role may not use it',
    error404Record: 'There is no such record',
    tooManySignIns: 'Too many failed sign-ins for this name: wait a while before trying again',
    loginWelcome: 'Staff sign-in: use your username or email.',
  },
  components: {
    Login: { welcomeHeader: 'MetaX back-office', welcomeMessage: 'Staff sign-in: use your username or email.', properties: { email: 'Username or email' } },
  },
  resources: {
    ...marketTranslations.resources,
    users: {
      actions: { adjustWallet: 'Adjust wallet', deactivate: 'Deactivate', activate: 'Reactivate', export: 'Export CSV' },
      properties: { sponsor_id: 'Sponsor', is_active: 'Status', total_investment: 'Invested', team_volume: 'Team volume', member: 'Member', created_at: 'Joined' },
    },
    staff: { actions: { new: 'Create staff', edit: 'Edit' }, properties: { is_active: 'Status' } },
    transactions: {
      actions: { edit: 'Process', approve: 'Approve', bulkApprove: 'Approve selected', bulkReject: 'Reject selected', export: 'Export CSV' },
      properties: {
        user_id: 'Member',
        member: 'Member (username or email)',
        transaction_type: 'Type',
        wallet_type: 'Wallet',
        to_wallet_type: 'To wallet',
        net_amount: 'Net amount',
        processed_by: 'Processed by',
        requested_by: 'Requested by',
        tx_hash: 'Tx hash',
        admin_notes: 'Staff notes',
      },
    },
    investments: { actions: { edit: 'Reverse', export: 'Export CSV' }, properties: { user_id: 'Member', member: 'Member (username or email)', reversed_by: 'Reversed by', transaction_id: 'Transaction' } },
    incomes: {
      actions: { distribute: 'Distribute income', export: 'Export CSV' },
      properties: { user_id: 'Member', member: 'Member (username or email)', from_user_id: 'From member', investment_id: 'Investment', income_type: 'Type' },
    },
    staking_runs: { actions: { runStaking: 'Run staking for a date' }, properties: { reward_date: 'Day', apy: 'APY (%)', duration_ms: 'Duration (ms)', triggered_by: 'Run by' } },
    audit_logs: { actions: { export: 'Export CSV' }, properties: { actor_id: 'Staff member', actor_role: 'Role', changes: 'Changes', target: 'Target', request_id: 'Request id' } },
    email_outbox: { actions: { retry: 'Retry' }, properties: { to_address: 'To', user_id: 'Member', last_error: 'Last error' } },
    job_runs: { properties: { job_name: 'Job', job_id: 'Agenda job id' } },
    configuration: { actions: { list: 'Configuration' } },
  },
};
