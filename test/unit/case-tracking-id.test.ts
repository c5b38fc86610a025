/** Tracking ids: format, round trip, what people type, and the mistakes the check character catches. */
import fc from 'fast-check';
import { parseTrackingId, trackingIdFrom } from '../../shared/case/tracking-id';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const FORMAT = /^TGP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/;
const bytes = fc.uint8Array({ minLength: 5, maxLength: 5 });

test('every id has the phone-friendly format and parses back to itself', () => {
  fc.assert(fc.property(bytes, (b) => {
    const id = trackingIdFrom(b);
    expect(id).toMatch(FORMAT);
    expect(parseTrackingId(id)).toBe(id);
  }));
});

test('the 40 random bits all reach the id: different bytes, different ids', () => {
  fc.assert(fc.property(bytes, bytes, (a, b) => {
    fc.pre(Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0);
    expect(trackingIdFrom(a)).not.toBe(trackingIdFrom(b));
  }));
  expect(trackingIdFrom(Uint8Array.from([0, 0, 0, 0, 0]))).toBe('TGP-0000-0000-0');
  expect(trackingIdFrom(Uint8Array.from([255, 255, 255, 255, 255])).slice(0, 13)).toBe('TGP-ZZZZ-ZZZZ');
});

test('fewer than 5 random bytes is refused', () => {
  expect(() => trackingIdFrom(new Uint8Array(4))).toThrow(RangeError);
});

test.each([
  ['lower case with spaces', (id: string) => id.toLowerCase().replace(/-/g, ' ')],
  ['no dashes', (id: string) => id.replace(/-/g, '')],
  ['without the prefix', (id: string) => id.slice(4)],
  ['O for 0, I and L for 1', (id: string) => id.slice(0, 4) + id.slice(4).replace(/0/g, 'O').replace(/1/g, (_m, i: number) => (i % 2 ? 'I' : 'l'))],
  ['surrounding spaces', (id: string) => `  ${id}\t`],
])('what a person types is normalised: %s', (_what, typed) => {
  fc.assert(fc.property(bytes, (b) => {
    const id = trackingIdFrom(b);
    expect(parseTrackingId(typed(id))).toBe(id);
  }));
});

test('every single mistyped character is caught', () => {
  fc.assert(fc.property(bytes, fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 31 }), (b, position, shift) => {
    const id = trackingIdFrom(b);
    const chars = id.replace(/-/g, '').slice(3).split('');
    chars[position] = ALPHABET[(ALPHABET.indexOf(chars[position]!) + shift) % 32]!;
    expect(parseTrackingId(chars.join(''))).toBeUndefined();
  }));
});

test('two neighbours swapped are caught (except 0 and Z, Luhn\'s one blind spot)', () => {
  fc.assert(fc.property(bytes, fc.integer({ min: 0, max: 7 }), (b, position) => {
    const id = trackingIdFrom(b);
    const chars = id.replace(/-/g, '').slice(3).split('');
    const [x, y] = [chars[position]!, chars[position + 1]!];
    fc.pre(x !== y && !(new Set([x, y]).has('0') && new Set([x, y]).has('Z')));
    [chars[position], chars[position + 1]] = [y, x];
    expect(parseTrackingId(chars.join(''))).toBeUndefined();
  }));
});

test('an id whose own characters start with TGP is read with and without the prefix', () => {
  const chars = 'TGP5' + 'K7M9';
  const id = parseTrackingId(`${chars}${'0123456789ABCDEFGHJKMNPQRSTVWXYZ'.split('').find((c) => parseTrackingId(`TGP-${chars}${c}`))}`)!;
  expect(id).toMatch(/^TGP-TGP5-K7M9-.$/);
  expect(parseTrackingId(id.slice(4))).toBe(id);
  expect(parseTrackingId(id)).toBe(id);
});

test.each(['', 'TGP', 'TGP-7KQ4-M9XD', 'TGP-7KQ4-M9XD-RR', 'XYZ-7KQ4-M9XD-R', 'TGP-UUUU-UUUU-U', 'TGP-7KQ4-M9XD-!', '../../etc/passwd'])('%j is not a tracking id', (typed) => {
  expect(parseTrackingId(typed)).toBeUndefined();
});
