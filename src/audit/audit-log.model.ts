import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** Read side of the audit trail (writes go through audit.service; the table refuses changes). */
@Table({ tableName: 'audit_logs' })
export class AuditLog extends Model {
  @Column({ type: DataType.BIGINT, primaryKey: true, autoIncrement: true })
  declare id: string;

  @Column({ type: DataType.INTEGER, allowNull: true })
  declare actor_id: number | null;

  @Column({ type: DataType.STRING(16), allowNull: true })
  declare actor_role: string | null;

  @Column({ type: DataType.STRING(64), allowNull: false })
  declare action: string;

  @Column({ type: DataType.STRING(64), allowNull: false })
  declare target_type: string;

  @Column({ type: DataType.STRING(64), allowNull: true })
  declare target_id: string | null;

  @Column({ type: DataType.JSONB, allowNull: true })
  declare before: unknown;

  @Column({ type: DataType.JSONB, allowNull: true })
  declare after: unknown;

  @Column({ type: DataType.TEXT, allowNull: true })
  declare reason: string | null;

  @Column({ type: DataType.STRING(128), allowNull: true })
  declare request_id: string | null;

  @Column({ type: DataType.DATE, allowNull: false })
  declare created_at: Date;
}
