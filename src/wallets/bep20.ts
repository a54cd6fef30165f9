import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * A BEP-20 (EVM) address: 0x + 40 hex. All-lower or all-upper is unchecksummed and accepted;
 * mixed case must carry a valid EIP-55 checksum, which catches most typos.
 */
export function isBep20Address(address: string): boolean {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) return false;
  const hex = address.slice(2);
  if (hex === hex.toLowerCase() || hex === hex.toUpperCase()) return true;
  const hash = bytesToHex(keccak_256(new TextEncoder().encode(hex.toLowerCase())));
  for (let i = 0; i < 40; i++) {
    const mustBeUpper = parseInt(hash[i], 16) >= 8;
    const c = hex[i];
    if (/[a-f]/i.test(c) && (mustBeUpper ? c !== c.toUpperCase() : c !== c.toLowerCase())) return false;
  }
  return true;
}
