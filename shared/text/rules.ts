/**
 * The one set of rules for every free-text field a person types: a citizen's title, description,
 * location, name, reply or comment, and an official's note, draft, response, reason or question.
 *
 * **Accept what people write; escape what you show.** Any printable Unicode is accepted as typed:
 * emoji, `<`, `>`, `"`, `'`, `\`, `=`, `&`, scripts of every language, and — in multi-line fields —
 * line breaks and tabs. Markup is never refused here: every page and email escapes text on output
 * (shared/html.ts), and CSV/XLSX neutralise formula-like cells (shared/reports/rows.ts).
 *
 * Refused, with a message that says what to fix (Bahasa Indonesia and English):
 * - control characters (Unicode category Cc: NUL, ESC, DEL, C1 controls, a lone CR…) other than a
 *   line break (`\n` or `\r\n`) and a tab in a multi-line field; a single-line field takes neither
 *   (nor U+2028/U+2029, the Unicode line and paragraph separators);
 * - bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which can make
 *   text read differently from what it says ("Trojan source"); the plain direction marks U+200E
 *   (LRM), U+200F (RLM) and U+061C (ALM) stay allowed: they only nudge punctuation;
 * - lone surrogates (broken UTF-16) and noncharacters (U+FFFE, U+FFFF, U+FDD0–U+FDEF, …);
 * - text that is empty, or shorter than the field's minimum, once invisible characters are left out
 *   of the count (see {@link visibleLength}).
 *
 * **Normalisation** — the only changes ever made to what a person wrote:
 * 1. Unicode NFC (canonical composition: "e" + U+0301 becomes "é"; what is shown does not change);
 * 2. `\r\n` becomes `\n` (browsers send a textarea's line breaks as CRLF, JSON clients as LF; one
 *    form means the same text compares and displays the same wherever it came from);
 * 3. leading and trailing whitespace is trimmed (JavaScript's `trim`: Unicode White_Space and U+FEFF).
 * Nothing inside the text is touched: inner spaces, tabs, blank lines, zero-width joiners of emoji
 * sequences and direction marks are kept exactly.
 *
 * **Length** is counted in Unicode code points of the normalised text, the unit a person's
 * "characters" comes closest to without letting one character hide unbounded data: "é" is 1, "👍" is
 * 1, "👍🏽" (emoji + skin tone) is 2, a family emoji joined by ZWJ counts each person and joiner. The
 * maximum counts every code point; the minimum counts only visible ones.
 */
import type { Localized } from '../errors';

/** How one field is checked. */
export interface TextRule {
  /** Multi-line fields (textareas) take line breaks and tabs; single-line fields take neither. */
  multiline: boolean;
  /** Whether an empty value is refused (an optional field gives `undefined` when left empty). */
  required: boolean;
  /** Fewest visible code points, when filled (0: no minimum). */
  min?: number;
  /** Most code points of the normalised text. */
  max: number;
}

/** Why a text was refused; `message` says it to the person who typed it. */
export type TextProblem =
  | { kind: 'not_text' }
  | { kind: 'required' }
  | { kind: 'control'; codePoint: number; position: number }
  | { kind: 'line_break'; codePoint: number; position: number }
  | { kind: 'bidi_control'; codePoint: number; position: number }
  | { kind: 'broken'; codePoint: number; position: number }
  | { kind: 'invisible_only' }
  | { kind: 'too_short'; min: number; visible: number }
  | { kind: 'too_long'; max: number; length: number };

export type TextCheck =
  | { ok: true; value: string | undefined }
  | { ok: false; problem: TextProblem; message: Localized };

/** Bidirectional embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069). */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;
/**
 * Not counted toward a minimum: whitespace, format characters (ZWSP, ZWJ/ZWNJ, U+FEFF, soft hyphen,
 * direction marks, word joiner…), other default-ignorables (variation selectors, Hangul fillers),
 * combining marks that draw nothing on their own, and the blank Braille pattern.
 */
const INVISIBLE = /[\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Mn}\p{Me}\u2800]/gu;

/** A surrogate code unit that is not half of a pair (the `u` flag matches pairs as one code point). */
const LONE_SURROGATE = /\p{Cs}/u;

const hex = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Normalises a text as every field stores it: NFC, `\r\n` → `\n`, trimmed. Idempotent. A string with
 * a lone surrogate is returned as it is (NFC of broken UTF-16 is not defined; {@link checkText}
 * refuses it anyway).
 */
export function normaliseText(raw: string): string {
  const composed = LONE_SURROGATE.test(raw) ? raw : raw.normalize('NFC');
  return composed.replace(/\r\n/g, '\n').trim();
}

/** Code points of a text: the unit of every length limit. */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Code points that remain once invisible characters are left out: the unit of every minimum. */
export function visibleLength(text: string): number {
  return codePointLength(text.replace(INVISIBLE, ''));
}

/** The first character a field of this kind refuses, if any (positions are 1-based code points). */
function firstForbidden(text: string, multiline: boolean): TextProblem | undefined {
  let position = 0;
  for (const ch of text) {
    position++;
    const cp = ch.codePointAt(0)!;
    const lineBreak = ch === '\n' || ch === '\r' || ch === '\u2028' || ch === '\u2029';
    if (!multiline && (lineBreak || ch === '\t')) return { kind: 'line_break', codePoint: cp, position };
    // In a multi-line field a CR is only a line break when an LF follows (normalised away before this).
    if (multiline && (ch === '\n' || ch === '\t' || ch === '\u2028' || ch === '\u2029')) continue;
    if (/\p{Cc}/u.test(ch)) return { kind: 'control', codePoint: cp, position };
    if (BIDI_CONTROL.test(ch)) return { kind: 'bidi_control', codePoint: cp, position };
    if (LONE_SURROGATE.test(ch) || /\p{Noncharacter_Code_Point}/u.test(ch)) return { kind: 'broken', codePoint: cp, position };
  }
  return undefined;
}

/** The message for a problem, in both languages. */
export function textProblemMessage(problem: TextProblem): Localized {
  switch (problem.kind) {
    case 'not_text':
      return { id: 'Harus berupa teks.', en: 'Must be text.' };
    case 'required':
      return { id: 'Wajib diisi.', en: 'Required.' };
    case 'control':
      return {
        id: `Berisi karakter kendali yang tidak terlihat (${hex(problem.codePoint)}, karakter ke-${problem.position}); biasanya terbawa saat menyalin teks. Hapus karakter itu lalu kirim lagi.`,
        en: `Contains an invisible control character (${hex(problem.codePoint)}, character ${problem.position}), usually carried over by copy and paste. Remove it and send again.`,
      };
    case 'line_break':
      return problem.codePoint === 0x09
        ? { id: `Harus satu baris: tanpa tab (karakter ke-${problem.position}).`, en: `Must be a single line: no tab (character ${problem.position}).` }
        : { id: `Harus satu baris: tanpa baris baru (karakter ke-${problem.position}).`, en: `Must be a single line: no line break (character ${problem.position}).` };
    case 'bidi_control':
      return {
        id: `Berisi karakter pengatur arah teks (${hex(problem.codePoint)}, karakter ke-${problem.position}) yang dapat membuat teks terbaca lain dari isinya. Hapus karakter itu lalu kirim lagi.`,
        en: `Contains a text-direction control (${hex(problem.codePoint)}, character ${problem.position}) that can make the text read differently from what it says. Remove it and send again.`,
      };
    case 'broken':
      return {
        id: `Berisi karakter yang rusak atau tidak sah (${hex(problem.codePoint)}, karakter ke-${problem.position}). Ketik ulang bagian itu lalu kirim lagi.`,
        en: `Contains a broken or invalid character (${hex(problem.codePoint)}, character ${problem.position}). Retype that part and send again.`,
      };
    case 'invisible_only':
      return { id: 'Hanya berisi spasi atau karakter yang tidak terlihat; tulis isinya, atau kosongkan.', en: 'Contains only spaces or invisible characters; write the text, or leave it empty.' };
    case 'too_short':
      return problem.visible === 0
        ? { id: `Wajib diisi: minimal ${problem.min} karakter yang terlihat.`, en: `Required: at least ${problem.min} visible characters.` }
        : { id: `Minimal ${problem.min} karakter (spasi dan karakter tak terlihat tidak dihitung; sekarang ${problem.visible}).`, en: `At least ${problem.min} characters (spaces and invisible characters do not count; now ${problem.visible}).` };
    case 'too_long':
      return { id: `Maksimal ${problem.max} karakter (sekarang ${problem.length}).`, en: `At most ${problem.max} characters (now ${problem.length}).` };
  }
}

const refuse = (problem: TextProblem): TextCheck => ({ ok: false, problem, message: textProblemMessage(problem) });

/**
 * Checks one field's input against its rule and gives the normalised text to store (undefined for
 * an optional field left empty — `undefined`, `null` or whitespace), or the problem to fix.
 */
export function checkText(input: unknown, rule: TextRule): TextCheck {
  if (input === undefined || input === null) return rule.required ? refuse({ kind: 'required' }) : { ok: true, value: undefined };
  if (typeof input !== 'string') return refuse({ kind: 'not_text' });
  // Forbidden characters are looked for before normalising, so that positions are the typed ones and
  // a CR that is not part of CRLF is caught; CRLF itself is a line break.
  const forbidden = firstForbidden(input.replace(/\r\n/g, '\n'), rule.multiline);
  if (forbidden) return refuse(forbidden);
  const value = normaliseText(input);
  if (!value) return rule.required ? refuse({ kind: 'required' }) : { ok: true, value: undefined };
  const visible = visibleLength(value);
  if (visible === 0 && !rule.min) return refuse({ kind: 'invisible_only' });
  if (rule.min && visible < rule.min) return refuse({ kind: 'too_short', min: rule.min, visible });
  const length = codePointLength(value);
  if (length > rule.max) return refuse({ kind: 'too_long', max: rule.max, length });
  return { ok: true, value };
}
