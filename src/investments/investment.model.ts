import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** Read model for the back-office; investments are written only by investments.service. */
@Table({ tableName: 'investments' })
export class Investment extends Model {
  @Column({ type: DataType.INTEGER, primaryKey: true, autoIncrement: true })
  declare id: number;

  @Column({ type: DataType.INTEGER, allowNull: false })
  declare user_id: number;

  @Column({ type: DataType.DECIMAL(20, 8), allowNull: false })
  declare amount: string;

  @Column({ type: DataType.STRING(32), allowNull: false })
  declare source_wallet: string;

  @Column({ type: DataType.STRING(12), allowNull: false })
  declare status: 'active' | 'reversed';

  @Column({ type: DataType.INTEGER, allowNull: true })
  declare transaction_id: number | null;

  @Column({ type: DataType.INTEGER, allowNull: true })
  declare reversed_by: number | null;

  @Column({ type: DataType.DATE, allowNull: true })
  declare reversed_at: Date | null;

  @Column({ type: DataType.TEXT, allowNull: true })
  declare reverse_reason: string | null;

  @Column({ type: DataType.DATE, allowNull: false })
  declare created_at: Date;
}
