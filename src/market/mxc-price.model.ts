import { Column, DataType, Model, Table } from 'sequelize-typescript';

export const PRICE_SOURCES = ['admin', 'seed'] as const;
export type PriceSource = (typeof PRICE_SOURCES)[number];

/** One MXC price record; the newest row is the current price, older rows are its history. */
@Table({ tableName: 'mxc_prices' })
export class MXCPrice extends Model {
  @Column({ type: DataType.INTEGER, primaryKey: true, autoIncrement: true })
  declare id: number;

  @Column({ type: DataType.DECIMAL(20, 8), allowNull: false })
  declare price: string;

  /** Percent. */
  @Column({ type: DataType.DECIMAL(10, 4), allowNull: false })
  declare change_24h: string;

  @Column({ type: DataType.DECIMAL(20, 8), allowNull: false })
  declare change_amount: string;

  @Column({ type: DataType.DECIMAL(20, 8), allowNull: false })
  declare market_cap: string;

  @Column({ type: DataType.DECIMAL(20, 8), allowNull: false })
  declare volume_24h: string;

  @Column({ type: DataType.INTEGER, allowNull: false })
  declare holders: number;

  @Column({ type: DataType.INTEGER, allowNull: false })
  declare transactions_24h: number;

  @Column({ type: DataType.STRING(10), allowNull: false })
  declare rank: string;

  @Column({ type: DataType.STRING(8), allowNull: false, defaultValue: 'admin' })
  declare source: PriceSource;

  @Column({ type: DataType.INTEGER, allowNull: true })
  declare updated_by: number | null;

  @Column({ type: DataType.DATE, allowNull: false, defaultValue: DataType.NOW })
  declare created_at: Date;
}
