/** What every deposit/withdrawal message knows about its transaction. */
export interface MoneyEvent {
  firstName: string;
  amount: string;
  transactionId: number | string;
}
