import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** Read model of staking_runs for the back-office; rows are written by staking.service only. */
@Table({ tableName: 'staking_runs' })
export class StakingRun extends Model {
  @Column({ type: DataType.INTEGER, primaryKey: true, autoIncrement: true })
  declare id: number;

  @Column({ type: DataType.DATEONLY, allowNull: false })
  declare reward_date: string;

  @Column({ type: DataType.STRING(12), allowNull: false })
  declare status: 'running' | 'completed' | 'failed';

  @Column({ type: DataType.DECIMAL(20, 8), allowNull: false })
  declare apy: string;

  @Column({ type: DataType.INTEGER, allowNull: false })
  declare members_paid: number;

  @Column({ type: DataType.DECIMAL(20, 8), allowNull: false })
  declare total: string;

  @Column({ type: DataType.DATE, allowNull: false })
  declare started_at: Date;

  @Column({ type: DataType.DATE, allowNull: true })
  declare finished_at: Date | null;

  @Column({ type: DataType.INTEGER, allowNull: true })
  declare duration_ms: number | null;

  @Column({ type: DataType.INTEGER, allowNull: true })
  declare triggered_by: number | null;

  @Column({ type: DataType.TEXT, allowNull: true })
  declare error: string | null;
}
