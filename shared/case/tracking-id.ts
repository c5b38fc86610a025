/**
 * Tracking ids: short, unambiguous to read over the phone, random. Crockford's base-32 alphabet
 * (no I, L, O, U), two groups of four after a prefix, and a check character: `TGP-7KQ4-M9XD-R`.
 * 40 random bits: not guessable in sequence. The caller passes the random bytes (shared is pure).
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Builds a tracking id from at least 5 random bytes. */
export function trackingIdFrom(random: Uint8Array): string {
  if (random.length < 5) throw new RangeError('A tracking id needs 5 random bytes');
  let bits = 0n;
  for (let i = 0; i < 5; i++) bits = (bits << 8n) | BigInt(random[i]!);
  let chars = '';
  for (let i = 0; i < 8; i++) chars = ALPHABET[Number(bits & 31n)]! + chars, (bits >>= 5n);
  return `TGP-${chars.slice(0, 4)}-${chars.slice(4)}-${checkChar(chars)}`;
}

function checkChar(chars: string): string {
  let sum = 0;
  for (const [i, c] of [...chars].entries()) sum += ALPHABET.indexOf(c) * (i + 1);
  return ALPHABET[sum % 32]!;
}

/** Normalises what a person types (case, spaces, O→0, I/L→1) and checks it; undefined when not a valid id. */
export function parseTrackingId(input: string): string | undefined {
  const cleaned = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  const m = /^TGP([0-9A-HJKMNP-TV-Z]{8})([0-9A-HJKMNP-TV-Z])$/.exec(cleaned);
  if (!m || checkChar(m[1]!) !== m[2]) return undefined;
  return `TGP-${m[1]!.slice(0, 4)}-${m[1]!.slice(4)}-${m[2]}`;
}
