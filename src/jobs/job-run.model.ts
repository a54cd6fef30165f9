import { Column, DataType, Model, Table } from 'sequelize-typescript';

export const JOB_OUTCOMES = ['running', 'success', 'retrying', 'failed', 'abandoned'] as const;
export type JobOutcome = (typeof JOB_OUTCOMES)[number];

@Table({ tableName: 'job_runs' })
export class JobRun extends Model {
  @Column({ type: DataType.BIGINT, primaryKey: true, autoIncrement: true })
  declare id: string;

  @Column({ type: DataType.STRING(64), allowNull: false })
  declare job_name: string;

  /** Agenda's job id: one id runs again on retry, each attempt is its own row. */
  @Column({ type: DataType.STRING(64), allowNull: true })
  declare job_id: string | null;

  @Column({ type: DataType.INTEGER, allowNull: false, defaultValue: 1 })
  declare attempt: number;

  @Column({ type: DataType.STRING(128), allowNull: true })
  declare worker: string | null;

  @Column({ type: DataType.DATE, allowNull: false, defaultValue: DataType.NOW })
  declare started_at: Date;

  @Column({ type: DataType.DATE, allowNull: true })
  declare finished_at: Date | null;

  @Column({ type: DataType.STRING(16), allowNull: false, defaultValue: 'running' })
  declare outcome: JobOutcome;

  @Column({ type: DataType.JSONB, allowNull: true })
  declare counts: Record<string, unknown> | null;

  @Column({ type: DataType.TEXT, allowNull: true })
  declare error: string | null;
}
