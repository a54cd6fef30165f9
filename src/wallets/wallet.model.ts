import { Column, DataType, Model, Table } from 'sequelize-typescript';
import type { WalletType } from './wallet-types.js';

/** Balances are written only by the ledger service; everything else reads. */
@Table({ tableName: 'wallets' })
export class Wallet extends Model {
  @Column({ type: DataType.INTEGER, primaryKey: true, autoIncrement: true })
  declare id: number;

  @Column({ type: DataType.INTEGER, allowNull: false })
  declare user_id: number;

  @Column({ type: DataType.STRING(32), allowNull: false })
  declare wallet_type: WalletType;

  @Column({ type: DataType.DECIMAL(20, 8), allowNull: false, defaultValue: '0' })
  declare balance: string;

  @Column({ type: DataType.DECIMAL(20, 8), allowNull: false, defaultValue: '0' })
  declare locked_balance: string;

  @Column({ type: DataType.DATE, allowNull: false, defaultValue: DataType.NOW })
  declare updated_at: Date;
}
