import 'reflect-metadata';
import { User } from '../users/user.model.js';
import { UserSettings } from '../users/user-settings.model.js';
import { Wallet } from '../wallets/wallet.model.js';
import { Referral } from '../referrals/referral.model.js';
import { AdminConfig } from '../config/admin-config.model.js';
import { RevokedToken } from '../auth/revoked-token.model.js';
import { MoneyTransaction } from '../wallets/transaction.model.js';
import { AuditLog } from '../audit/audit-log.model.js';
import { EmailOutbox } from '../notify/email-outbox.model.js';
import { JobRun } from '../jobs/job-run.model.js';
import { MXCPrice } from '../market/mxc-price.model.js';
import { MXCChartData } from '../market/mxc-chart.model.js';
import { Investment } from '../investments/investment.model.js';
import { Income } from '../income/income.model.js';
import { MemberRecord, StaffRecord } from '../users/user-directory.models.js';
import { StakingRun } from '../staking/staking-run.model.js';

/** Every Sequelize model, registered once on the connection. */
export const models = [User, UserSettings, Wallet, Referral, AdminConfig, RevokedToken, MoneyTransaction, AuditLog, EmailOutbox, JobRun, MXCPrice, MXCChartData, Investment, Income, MemberRecord, StaffRecord, StakingRun];
