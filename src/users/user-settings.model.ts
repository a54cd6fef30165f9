import { Column, DataType, Model, Table } from 'sequelize-typescript';

@Table({ tableName: 'user_settings' })
export class UserSettings extends Model {
  @Column({ type: DataType.INTEGER, primaryKey: true })
  declare user_id: number;

  /** Transaction emails (deposit, withdrawal, income); security emails always go. */
  @Column({ type: DataType.BOOLEAN, allowNull: false, defaultValue: true })
  declare email_notifications: boolean;

  @Column({ type: DataType.STRING(10), allowNull: false, defaultValue: 'en' })
  declare language: string;

  @Column({ type: DataType.STRING(64), allowNull: false, defaultValue: 'UTC' })
  declare timezone: string;

  @Column({ type: DataType.DATE, allowNull: false, defaultValue: DataType.NOW })
  declare updated_at: Date;
}
