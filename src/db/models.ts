import 'reflect-metadata';
import { User } from '../users/user.model.js';
import { UserSettings } from '../users/user-settings.model.js';
import { Wallet } from '../wallets/wallet.model.js';
import { Referral } from '../referrals/referral.model.js';
import { AdminConfig } from '../config/admin-config.model.js';
import { RevokedToken } from '../auth/revoked-token.model.js';
import { MXCPrice } from '../market/mxc-price.model.js';
import { MXCChartData } from '../market/mxc-chart.model.js';

/** Every Sequelize model, registered once on the connection. */
export const models = [User, UserSettings, Wallet, Referral, AdminConfig, RevokedToken, MXCPrice, MXCChartData];
