import { Column, DataType, Model, Table } from 'sequelize-typescript';

export const EMAIL_CATEGORIES = ['transaction', 'security', 'staff'] as const;
export type EmailCategory = (typeof EMAIL_CATEGORIES)[number];
export const EMAIL_STATUSES = ['pending', 'sending', 'sent', 'failed', 'skipped'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

@Table({ tableName: 'email_outbox' })
export class EmailOutbox extends Model {
  /** bigint: read back as a string. */
  @Column({ type: DataType.BIGINT, primaryKey: true, autoIncrement: true })
  declare id: string;

  @Column({ type: DataType.INTEGER, allowNull: true })
  declare user_id: number | null;

  @Column({ type: DataType.STRING(255), allowNull: false })
  declare to_address: string;

  @Column({ type: DataType.STRING(64), allowNull: false })
  declare template: string;

  @Column({ type: DataType.STRING(255), allowNull: false })
  declare subject: string;

  @Column({ type: DataType.TEXT, allowNull: false })
  declare text: string;

  @Column({ type: DataType.TEXT, allowNull: false })
  declare html: string;

  @Column({ type: DataType.STRING(16), allowNull: false })
  declare category: EmailCategory;

  @Column({ type: DataType.STRING(16), allowNull: false, defaultValue: 'pending' })
  declare status: EmailStatus;

  @Column({ type: DataType.INTEGER, allowNull: false, defaultValue: 0 })
  declare attempts: number;

  @Column({ type: DataType.TEXT, allowNull: true })
  declare last_error: string | null;

  @Column({ type: DataType.DATE, allowNull: false, defaultValue: DataType.NOW })
  declare created_at: Date;

  @Column({ type: DataType.DATE, allowNull: true })
  declare sent_at: Date | null;

  @Column({ type: DataType.DATE, allowNull: true })
  declare next_attempt_at: Date | null;
}
