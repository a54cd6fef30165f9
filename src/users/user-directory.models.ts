import { Op } from 'sequelize';
import { Column, DataType, DefaultScope, Model, Table } from 'sequelize-typescript';
import { STAFF_ROLES, type Role } from './user.model.js';

/*
 * Read models of the users table for the back-office: only the columns staff may see. Secrets
 * (password hashes, token versions, and whatever later holds 2FA secrets, reset tokens or recovery
 * codes) are not attributes here (the two classes repeat their columns: sequelize-typescript does
 * not inherit attributes), so AdminJS can neither show, filter nor sort by them. A new
 * column on `users` stays out of the back-office until it is added here on purpose.
 */

/** Members only: staff accounts never appear among them. */
@DefaultScope(() => ({ where: { role: 'member' } }))
@Table({ tableName: 'users', modelName: 'MemberRecord' })
export class MemberRecord extends Model {
  @Column({ type: DataType.INTEGER, primaryKey: true, autoIncrement: true })
  declare id: number;

  @Column({ type: DataType.STRING(50), allowNull: false })
  declare username: string;

  @Column({ type: DataType.STRING(255), allowNull: false })
  declare email: string;

  @Column({ type: DataType.STRING(100), allowNull: false })
  declare first_name: string;

  @Column({ type: DataType.STRING(100), allowNull: false })
  declare last_name: string;

  @Column({ type: DataType.BOOLEAN, allowNull: false })
  declare is_active: boolean;

  @Column({ type: DataType.STRING(16), allowNull: false })
  declare role: Role;

  @Column({ type: DataType.DATE, allowNull: false })
  declare created_at: Date;

  @Column({ type: DataType.DATE, allowNull: false })
  declare updated_at: Date;

  @Column({ type: DataType.INTEGER, allowNull: true })
  declare sponsor_id: number | null;

  @Column({ type: DataType.STRING(20), allowNull: false })
  declare referral_code: string;

  @Column({ type: DataType.STRING(20), allowNull: false })
  declare rank: string;

  @Column({ type: DataType.DECIMAL(20, 8), allowNull: false })
  declare total_investment: string;

  @Column({ type: DataType.DECIMAL(20, 8), allowNull: false })
  declare team_volume: string;
}

/** Staff accounts only. */
@DefaultScope(() => ({ where: { role: { [Op.in]: [...STAFF_ROLES] } } }))
@Table({ tableName: 'users', modelName: 'StaffRecord' })
export class StaffRecord extends Model {
  @Column({ type: DataType.INTEGER, primaryKey: true, autoIncrement: true })
  declare id: number;

  @Column({ type: DataType.STRING(50), allowNull: false })
  declare username: string;

  @Column({ type: DataType.STRING(255), allowNull: false })
  declare email: string;

  @Column({ type: DataType.STRING(100), allowNull: false })
  declare first_name: string;

  @Column({ type: DataType.STRING(100), allowNull: false })
  declare last_name: string;

  @Column({ type: DataType.BOOLEAN, allowNull: false })
  declare is_active: boolean;

  @Column({ type: DataType.STRING(16), allowNull: false })
  declare role: Role;

  @Column({ type: DataType.DATE, allowNull: false })
  declare created_at: Date;

  @Column({ type: DataType.DATE, allowNull: false })
  declare updated_at: Date;
}
