import argon2 from 'argon2';
import { z } from 'zod';
import { COMMON_PASSWORDS } from './common-passwords.js';

// OWASP's argon2id baseline (19 MiB, 2 passes): strong, yet a login stays well under 100 ms here.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (plain: string) => argon2.hash(plain, OPTIONS);

export async function verifyPassword(hash: string, plain: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, plain);
  } catch {
    return false;
  }
}

/** A real hash to compare against when the user does not exist, so timing does not reveal it. */
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(plain: string): Promise<void> {
  dummyHash ??= hashPassword('not-a-real-password-1');
  await verifyPassword(await dummyHash, plain);
}

export const newPassword = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(128, 'must be at most 128 characters')
  .refine((p) => /[A-Za-z]/.test(p) && /\d/.test(p), 'must contain at least one letter and one digit')
  .refine((p) => !COMMON_PASSWORDS.has(p.toLowerCase()), 'is too common');
