import { QueryTypes } from 'sequelize';
import { db } from '../../src/db/database.js';
import { balancesOf } from '../../src/wallets/wallets.service.js';
import { signUp, type TestServer } from './server.js';

export type Member = Awaited<ReturnType<typeof signUp>>;

/** A sponsor chain: chain[0] at the top, each next member sponsored by the previous one. */
export async function chain(t: TestServer, length: number): Promise<Member[]> {
  const members: Member[] = [];
  for (let i = 0; i < length; i++) members.push(await signUp(t, { sponsor_code: members[i - 1]?.user.referral_code }));
  return members;
}

/** There is no deactivation endpoint in this issue: flip the flag the way a staff tool would. */
export async function setActive(userId: number, active: boolean) {
  await db().query(`UPDATE users SET is_active = :active WHERE id = :userId`, { replacements: { active, userId }, type: QueryTypes.UPDATE });
}

/** Balances read straight from the wallets (an inactive member can no longer sign in to look). */
export async function wallets(member: Member): Promise<Record<string, string>> {
  return balancesOf(member.user.id);
}

/** Team tests register many members: lift the sign-up and login rate limits. */
export const TEAM_ENV = { RATE_LIMIT_REGISTER_MAX: '100000', RATE_LIMIT_LOGIN_MAX: '100000', RATE_LIMIT_API_MAX: '100000' };
