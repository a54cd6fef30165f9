import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** The spec's Income model, read-only here: rows are written beside ledger postings by income.service. */
@Table({ tableName: 'incomes' })
export class Income extends Model {
  @Column({ type: DataType.BIGINT, primaryKey: true, autoIncrement: true })
  declare id: string;

  @Column({ type: DataType.INTEGER, allowNull: false })
  declare user_id: number;

  @Column({ type: DataType.STRING(30), allowNull: false })
  declare income_type: string;

  @Column({ type: DataType.DECIMAL(20, 8), allowNull: false })
  declare amount: string;

  @Column({ type: DataType.INTEGER, allowNull: true })
  declare from_user_id: number | null;

  @Column({ type: DataType.SMALLINT, allowNull: true })
  declare level: number | null;

  @Column({ type: DataType.TEXT, allowNull: true })
  declare description: string | null;

  @Column({ type: DataType.STRING(20), allowNull: false })
  declare status: string;

  @Column({ type: DataType.INTEGER, allowNull: true })
  declare investment_id: number | null;

  @Column({ type: DataType.BIGINT, allowNull: false })
  declare posting_id: string;

  @Column({ type: DataType.DATE, allowNull: false })
  declare created_at: Date;
}
