/**
 * Widely leaked passwords that would pass the letter-and-digit rule (lower-cased). A short list on
 * purpose: it stops the obvious picks without shipping a dictionary.
 */
export const COMMON_PASSWORDS = new Set([
  'password1', 'password12', 'password123', 'password1234', 'passw0rd', 'p@ssw0rd', 'p@ssword1',
  'abc12345', 'abcd1234', 'abc123456', 'qwerty123', 'qwerty12', 'qwerty1234', 'qwertyuiop1', '1q2w3e4r',
  '1q2w3e4r5t', 'q1w2e3r4', 'q1w2e3r4t5', 'zaq12wsx', '1qaz2wsx', 'iloveyou1', 'iloveyou2', 'welcome1',
  'welcome123', 'admin123', 'admin1234', 'administrator1', 'letmein1', 'letmein123', 'monkey123',
  'dragon123', 'football1', 'baseball1', 'superman1', 'trustno1', 'sunshine1', 'princess1', 'master123',
  'shadow123', 'michael1', 'charlie1', 'jordan23', 'liverpool1', 'chelsea1', 'computer1', 'test1234',
  'testing123', 'changeme1', 'default1', 'secret123', 'hello123', 'freedom1', 'whatever1', 'starwars1',
  'pokemon1', 'asdf1234', 'asdfgh123', 'zxcvbnm1', 'a1b2c3d4', 'aa123456', 'a12345678', '123456abc',
  '12345abc', '123abc123', 'abc123abc', 'pass1234', 'mypassword1', 'metax123', 'metaxcoin1', 'bitcoin1',
  'crypto123', 'blockchain1', 'summer2024', 'winter2024', 'summer2025', 'winter2025', 'summer2026',
  'winter2026', 'spring2026', 'autumn2026',
]);
