import { Column, DataType, Model, Table } from 'sequelize-typescript';

export const ROLES = ['member', 'support', 'finance', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const STAFF_ROLES: readonly Role[] = ['support', 'finance', 'admin'];

@Table({ tableName: 'users' })
export class User extends Model {
  @Column({ type: DataType.INTEGER, primaryKey: true, autoIncrement: true })
  declare id: number;

  @Column({ type: DataType.STRING(50), allowNull: false })
  declare username: string;

  @Column({ type: DataType.STRING(255), allowNull: false })
  declare email: string;

  @Column({ type: DataType.STRING(255), allowNull: false })
  declare password_hash: string;

  @Column({ type: DataType.STRING(100), allowNull: false })
  declare first_name: string;

  @Column({ type: DataType.STRING(100), allowNull: false })
  declare last_name: string;

  @Column({ type: DataType.INTEGER, allowNull: true })
  declare sponsor_id: number | null;

  @Column({ type: DataType.STRING(20), allowNull: false })
  declare referral_code: string;

  @Column({ type: DataType.BOOLEAN, allowNull: false, defaultValue: true })
  declare is_active: boolean;

  @Column({ type: DataType.STRING(20), allowNull: false, defaultValue: 'Bronze' })
  declare rank: string;

  @Column({ type: DataType.STRING(16), allowNull: false, defaultValue: 'member' })
  declare role: Role;

  @Column({ type: DataType.DECIMAL(20, 8), allowNull: false, defaultValue: '0' })
  declare total_investment: string;

  /** Bumped on password change: tokens carrying an older version stop working at once. */
  @Column({ type: DataType.INTEGER, allowNull: false, defaultValue: 0 })
  declare token_version: number;

  @Column({ type: DataType.DATE, allowNull: false, defaultValue: DataType.NOW })
  declare created_at: Date;

  @Column({ type: DataType.DATE, allowNull: false, defaultValue: DataType.NOW })
  declare updated_at: Date;
}
