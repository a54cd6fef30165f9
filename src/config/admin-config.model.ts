import { Column, DataType, Model, Table } from 'sequelize-typescript';

@Table({ tableName: 'admin_configs' })
export class AdminConfig extends Model {
  @Column({ type: DataType.INTEGER, primaryKey: true, autoIncrement: true })
  declare id: number;

  @Column({ type: DataType.STRING(100), allowNull: false, unique: true })
  declare key: string;

  @Column({ type: DataType.JSONB, allowNull: false })
  declare value: unknown;

  @Column({ type: DataType.TEXT, allowNull: true })
  declare description: string | null;

  @Column({ type: DataType.INTEGER, allowNull: true })
  declare updated_by: number | null;

  @Column({ type: DataType.DATE, allowNull: false, defaultValue: DataType.NOW })
  declare updated_at: Date;
}
