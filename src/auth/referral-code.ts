import { randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `MX-` + 8 base32 characters: the hyphen is a form no username can take. */
export function generateReferralCode(): string {
  const bytes = randomBytes(8);
  let code = 'MX-';
  for (const byte of bytes) code += BASE32[byte % 32];
  return code;
}
