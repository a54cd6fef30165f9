import { Column, DataType, Model, Table } from 'sequelize-typescript';

/** Logged-out token ids, kept until the token would have expired anyway. */
@Table({ tableName: 'revoked_tokens' })
export class RevokedToken extends Model {
  @Column({ type: DataType.UUID, primaryKey: true })
  declare jti: string;

  @Column({ type: DataType.INTEGER, allowNull: false })
  declare user_id: number;

  @Column({ type: DataType.DATE, allowNull: false })
  declare expires_at: Date;
}
