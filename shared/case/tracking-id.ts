/**
 * Tracking ids: short, unambiguous to read over the phone, random. Crockford's base-32 alphabet
 * (no I, L, O, U), two groups of four after a prefix, and a check character: `TGP-7KQ4-M9XD-R`.
 * 40 random bits: not guessable in sequence. The caller passes the random bytes (shared is pure).
 * The check character is Luhn mod 32: it catches every single mistyped character and every swap
 * of two neighbours except 0↔Z, the mistakes people make when reading an id aloud or typing it.
 */
import { createHash } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const N = ALPHABET.length;

/** Builds a tracking id from the first 5 of `random` (at least 5 bytes). */
export function trackingIdFrom(random: Uint8Array): string {
  if (random.length < 5) throw new RangeError('A tracking id needs 5 random bytes');
  let bits = 0n;
  for (let i = 0; i < 5; i++) bits = (bits << 8n) | BigInt(random[i]!);
  let chars = '';
  for (let i = 0; i < 8; i++) {
    chars = ALPHABET[Number(bits & 31n)]! + chars;
    bits >>= 5n;
  }
  return `TGP-${chars.slice(0, 4)}-${chars.slice(4)}-${checkChar(chars)}`;
}

/** Luhn mod N over the alphabet: the character that makes the weighted sum a multiple of N. */
function checkChar(chars: string): string {
  let sum = 0;
  let factor = 2;
  for (let i = chars.length - 1; i >= 0; i--) {
    const addend = factor * ALPHABET.indexOf(chars[i]!);
    sum += Math.floor(addend / N) + (addend % N);
    factor = factor === 2 ? 1 : 2;
  }
  return ALPHABET[(N - (sum % N)) % N]!;
}

/**
 * Normalises what a person types (any case, spaces or dashes anywhere, O→0, I/L→1, the `TGP`
 * prefix optional) and checks it: the canonical id, or undefined when it is not a valid one.
 */
export function parseTrackingId(input: string): string | undefined {
  const compact = input.toUpperCase().replace(/[\s-]/g, '');
  // The prefix only when it is one: nine characters of id may themselves start with TGP.
  const body = compact.length === 12 && compact.startsWith('TGP') ? compact.slice(3) : compact;
  const cleaned = body.replace(/O/g, '0').replace(/[IL]/g, '1');
  const m = /^([0-9A-HJKMNP-TV-Z]{8})([0-9A-HJKMNP-TV-Z])$/.exec(cleaned);
  if (!m || checkChar(m[1]!) !== m[2]) return undefined;
  return `TGP-${m[1]!.slice(0, 4)}-${m[1]!.slice(4)}-${m[2]}`;
}

/**
 * The case id of a tracking id: a hash of it (`c` and 26 hex digits, the shape of every case id). A case
 * is stored under the id of its tracking id, so the case item is its tracking id's record: no lookup
 * item is written, and a status page reads one item. Cases filed before kept a lookup (`TRACK#`), which
 * the store still reads when the derived id holds no case of that tracking id.
 */
export function caseIdOfTracking(trackingId: string): string {
  return `c${createHash('sha256').update(`case-of-tracking\n${trackingId}`).digest('hex').slice(0, 26)}`;
}
