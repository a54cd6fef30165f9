import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** Closure rows: one per (upline, member, level 1..5), so any level is one indexed lookup. */
@Table({ tableName: 'referrals' })
export class Referral extends Model {
  @Column({ type: DataType.INTEGER, primaryKey: true, autoIncrement: true })
  declare id: number;

  @Column({ type: DataType.INTEGER, allowNull: false })
  declare referrer_id: number;

  @Column({ type: DataType.INTEGER, allowNull: false })
  declare referred_id: number;

  @Column({ type: DataType.SMALLINT, allowNull: false })
  declare level: number;

  @Column({ type: DataType.BOOLEAN, allowNull: false, defaultValue: true })
  declare is_active: boolean;

  @Column({ type: DataType.DATE, allowNull: false, defaultValue: DataType.NOW })
  declare created_at: Date;
}
