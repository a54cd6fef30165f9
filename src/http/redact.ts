/**
 * Query parameters whose values never reach a log: tokens sent in a URL by mistake
 * (`?access_token=…`), passwords, secrets, keys, one-time codes, signatures.
 */
const SECRET_NAME =
  /token|passw|pwd|secret|api[-_]?key|recovery|^code$|(reset|verification|mfa|2fa|backup)[-_.]?code|(^|[-_.])(key|sig|signature|otp|totp|verifier|auth|authorization|session|credentials?)($|[-_.])/i;

function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/** The URL with the value of every secret-looking query parameter replaced by `[REDACTED]`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const pairs = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = pair.slice(0, eq);
      return SECRET_NAME.test(decodedName(name)) ? `${name}=[REDACTED]` : pair;
    });
  return `${url.slice(0, q + 1)}${pairs.join('&')}`;
}
