import { Column, DataType, Model, Table } from 'sequelize-typescript';

export const TRANSACTION_TYPES = ['deposit', 'withdrawal', 'transfer', 'adjustment', 'investment'] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];
export const TRANSACTION_STATUSES = ['pending', 'completed', 'rejected', 'cancelled', 'failed'] as const;
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];

/** A member-visible money event; the money itself moves only through ledger postings. */
@Table({ tableName: 'transactions' })
export class MoneyTransaction extends Model {
  @Column({ type: DataType.INTEGER, primaryKey: true, autoIncrement: true })
  declare id: number;

  @Column({ type: DataType.INTEGER, allowNull: false })
  declare user_id: number;

  @Column({ type: DataType.STRING(20), allowNull: false })
  declare transaction_type: TransactionType;

  @Column({ type: DataType.STRING(32), allowNull: false })
  declare wallet_type: string;

  @Column({ type: DataType.STRING(32), allowNull: true })
  declare to_wallet_type: string | null;

  @Column({ type: DataType.DECIMAL(20, 8), allowNull: false })
  declare amount: string;

  @Column({ type: DataType.DECIMAL(20, 8), allowNull: false, defaultValue: '0' })
  declare fee: string;

  @Column({ type: DataType.DECIMAL(20, 8), allowNull: false })
  declare net_amount: string;

  @Column({ type: DataType.STRING(12), allowNull: false, defaultValue: 'pending' })
  declare status: TransactionStatus;

  @Column({ type: DataType.TEXT, allowNull: true })
  declare description: string | null;

  @Column({ type: DataType.STRING(255), allowNull: true })
  declare reference: string | null;

  @Column({ type: DataType.STRING(42), allowNull: true })
  declare wallet_address: string | null;

  @Column({ type: DataType.STRING(100), allowNull: true })
  declare tx_hash: string | null;

  @Column({ type: DataType.TEXT, allowNull: true })
  declare admin_notes: string | null;

  @Column({ type: DataType.TEXT, allowNull: true })
  declare reason: string | null;

  @Column({ type: DataType.INTEGER, allowNull: true })
  declare processed_by: number | null;

  @Column({ type: DataType.DATE, allowNull: true })
  declare processed_at: Date | null;

  /** Four-eyes: the staff member who asked for a pending adjustment (never its approver). */
  @Column({ type: DataType.INTEGER, allowNull: true })
  declare requested_by: number | null;

  /** Four-eyes: +1 credit / -1 debit of a pending adjustment (amount is always positive). */
  @Column({ type: DataType.SMALLINT, allowNull: true })
  declare adjustment_sign: 1 | -1 | null;

  @Column({ type: DataType.DATE, allowNull: false, defaultValue: DataType.NOW })
  declare created_at: Date;
}
