import { Column, DataType, Model, Table } from 'sequelize-typescript';

export const CHART_SOURCES = ['admin', 'manual', 'generated'] as const;
export type ChartSource = (typeof CHART_SOURCES)[number];

/** One stored MXC chart point; `source` tells real points from generated ones. */
@Table({ tableName: 'mxc_chart_data' })
export class MXCChartData extends Model {
  @Column({ type: DataType.BIGINT, primaryKey: true, autoIncrement: true })
  declare id: string;

  @Column({ type: DataType.DATE, allowNull: false, unique: true })
  declare timestamp: Date;

  @Column({ type: DataType.DECIMAL(20, 8), allowNull: false })
  declare price: string;

  @Column({ type: DataType.DECIMAL(20, 8), allowNull: false, defaultValue: '0' })
  declare volume: string;

  @Column({ type: DataType.STRING(10), allowNull: false })
  declare source: ChartSource;

  @Column({ type: DataType.INTEGER, allowNull: true })
  declare created_by: number | null;

  @Column({ type: DataType.DATE, allowNull: false, defaultValue: DataType.NOW })
  declare created_at: Date;
}
