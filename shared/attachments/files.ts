/**
 * A complaint's attachments: what a citizen may attach (up to 3 files, JPEG, PNG or PDF, at most
 * 5 MB each), how a file's type is told from its bytes (never from its name or declared type), and
 * the removal of a photo's location. Pure functions over bytes: no I/O.
 */
import type { Localized } from '../errors';

export const MAX_ATTACHMENTS = 3;
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
/**
 * What the form without JavaScript may carry in all (one multipart request): a function's request is
 * at most 6 MB on Lambda, and API Gateway hands a binary body over in base64 (4 bytes for 3).
 * Larger files go straight to the bucket through the upload API (the form's script does that).
 */
export const MAX_FORM_UPLOAD_BYTES = 4 * 1024 * 1024;

export const AttachmentTypes = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type AttachmentType = (typeof AttachmentTypes)[number];

/** Why a file is refused. */
export type FileProblem = 'empty' | 'too_large' | 'wrong_type' | 'unreadable' | 'missing' | 'too_many';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const startsWith = (b: Uint8Array, sig: number[]) => sig.every((v, i) => b[i] === v);

/** The type the first bytes (the "magic") announce, or undefined for anything else. */
export function sniffType(head: Uint8Array): AttachmentType | undefined {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, PNG_SIGNATURE)) return 'image/png';
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf'; // %PDF-
  return undefined;
}

/**
 * Whether the whole file holds together as its type: a JPEG's segments lead to its image data and
 * it ends with EOI; a PNG's chunks are whole up to IEND; a PDF ends with `%%EOF`. A file cut short
 * in transfer (a phone losing its connection) fails here.
 */
function isWhole(bytes: Uint8Array, type: AttachmentType): boolean {
  if (type === 'image/png') return jpegOrPngSegments(bytes, type) !== undefined;
  if (type === 'image/jpeg') {
    if (jpegOrPngSegments(bytes, type) === undefined) return false;
    // EOI (FF D9) at the end, allowing padding some cameras append.
    let end = bytes.length;
    while (end > 2 && (bytes[end - 1] === 0x00 || bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
    return bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9;
  }
  const tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 1024))).toString('latin1');
  return tail.includes('%%EOF');
}

interface Segment {
  /** Offset of the segment (JPEG: its FF marker; PNG: its length field). */
  start: number;
  end: number;
  /** JPEG marker byte, or PNG chunk type. */
  kind: number | string;
  /** Offset and length of the payload. */
  data: number;
  length: number;
}

/**
 * The metadata segments of a JPEG up to its scan (SOS), or the chunks of a PNG up to IEND;
 * undefined when they do not fit in the file.
 */
function jpegOrPngSegments(b: Uint8Array, type: 'image/jpeg' | 'image/png'): Segment[] | undefined {
  const out: Segment[] = [];
  if (type === 'image/png') {
    let at = 8;
    while (at + 12 <= b.length) {
      const length = ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
      const kind = Buffer.from(b.subarray(at + 4, at + 8)).toString('latin1');
      const end = at + 12 + length;
      if (end > b.length) return undefined;
      out.push({ start: at, end, kind, data: at + 8, length });
      if (kind === 'IEND') return out;
      at = end;
    }
    return undefined;
  }
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1]!;
    if (marker === 0xff) { at++; continue; } // fill byte
    const length = (b[at + 2]! << 8) + b[at + 3]!;
    const end = at + 2 + length;
    if (length < 2 || end > b.length) return undefined;
    out.push({ start: at, end, kind: marker, data: at + 4, length: length - 2 });
    if (marker === 0xda) return end < b.length ? out : undefined; // SOS: entropy-coded data follows
    at = end;
  }
  return undefined;
}

/** The verdict on one file: its type from its bytes, or the problem. */
export function checkFile(bytes: Uint8Array): { ok: true; type: AttachmentType } | { ok: false; problem: FileProblem } {
  if (bytes.length === 0) return { ok: false, problem: 'empty' };
  if (bytes.length > MAX_ATTACHMENT_BYTES) return { ok: false, problem: 'too_large' };
  const type = sniffType(bytes);
  if (!type) return { ok: false, problem: 'wrong_type' };
  if (!isWhole(bytes, type)) return { ok: false, problem: 'unreadable' };
  return { ok: true, type };
}

const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]; // "Exif\0\0"
const XMP_HEADER = 'http://ns.adobe.com/xap/1.0/';
/** The TIFF tag of the GPS IFD pointer in IFD0. */
const GPS_IFD_POINTER = 0x8825;
/** Bytes per component of each TIFF field type (1 BYTE … 12 DOUBLE). */
const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8 };

/**
 * Empties the GPS IFD of a TIFF block (the body of an Exif segment) in place: every GPS entry and
 * the values they point to are zeroed, and the IFD is left with no entries, so the camera's other
 * data (orientation, date) stays valid and readable. Returns whether a GPS IFD was found.
 */
function emptyGpsIfd(tiff: Uint8Array): boolean {
  if (tiff.length < 8) return false;
  const little = tiff[0] === 0x49 && tiff[1] === 0x49;
  if (!little && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return false;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const u16 = (o: number) => view.getUint16(o, little);
  const u32 = (o: number) => view.getUint32(o, little);
  const ifd0 = u32(4);
  if (ifd0 + 2 > tiff.length) return false;
  const count = u16(ifd0);
  for (let i = 0; i < count; i++) {
    const entry = ifd0 + 2 + i * 12;
    if (entry + 12 > tiff.length) return false;
    if (u16(entry) !== GPS_IFD_POINTER) continue;
    const gps = u32(entry + 8);
    if (gps + 2 > tiff.length) return false;
    const gpsCount = u16(gps);
    for (let j = 0; j < gpsCount; j++) {
      const e = gps + 2 + j * 12;
      if (e + 12 > tiff.length) break;
      const size = (TYPE_SIZE[u16(e + 2)] ?? 1) * u32(e + 4);
      // Values longer than 4 bytes live elsewhere in the block (the coordinates: rationals).
      if (size > 4) {
        const at = u32(e + 8);
        if (at < tiff.length) tiff.fill(0, at, Math.min(tiff.length, at + size));
      }
    }
    tiff.fill(0, gps, Math.min(tiff.length, gps + 2 + gpsCount * 12 + 4));
    return true;
  }
  return false;
}

/**
 * A copy of a photo without where it was taken: in a JPEG, the Exif GPS IFD emptied (the rest of
 * the Exif kept: orientation, date) and XMP packets removed (they may repeat the location); in a
 * PNG, the eXIf chunk and XMP/Exif text chunks removed (CRCs stay valid: whole chunks go). Other
 * types come back unchanged. The input is not modified.
 */
export function withoutLocation(bytes: Uint8Array, type: AttachmentType): Uint8Array {
  if (type === 'application/pdf') return bytes;
  const segments = jpegOrPngSegments(bytes, type);
  if (!segments) return bytes;
  const copy = new Uint8Array(bytes);
  const drop: Segment[] = [];
  for (const s of segments) {
    const payload = copy.subarray(s.data, s.data + s.length);
    if (type === 'image/jpeg' && s.kind === 0xe1) {
      if (startsWith(payload, EXIF_HEADER)) emptyGpsIfd(payload.subarray(6));
      else if (Buffer.from(payload.subarray(0, XMP_HEADER.length)).toString('latin1') === XMP_HEADER) drop.push(s);
    }
    if (type === 'image/png') {
      const keyword = Buffer.from(payload.subarray(0, 80)).toString('latin1').split('\0')[0];
      if (s.kind === 'eXIf' || ((s.kind === 'tEXt' || s.kind === 'iTXt' || s.kind === 'zTXt') && (keyword === 'XML:com.adobe.xmp' || keyword?.startsWith('Raw profile type')))) drop.push(s);
    }
  }
  if (!drop.length) return copy;
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const s of drop) {
    parts.push(copy.subarray(at, s.start));
    at = s.end;
  }
  parts.push(copy.subarray(at));
  return new Uint8Array(Buffer.concat(parts));
}

/** Bilingual text of a file's problem, naming the file as the person named it. */
export function fileProblemMessage(problem: FileProblem, name: string): Localized {
  const mb = MAX_ATTACHMENT_BYTES / 1024 / 1024;
  const texts: Record<FileProblem, Localized> = {
    empty: { id: `Berkas "${name}" kosong. Pilih berkas lain.`, en: `The file "${name}" is empty. Choose another file.` },
    too_large: { id: `Berkas "${name}" lebih besar dari ${mb} MB. Perkecil fotonya atau pilih berkas lain.`, en: `The file "${name}" is larger than ${mb} MB. Make the photo smaller or choose another file.` },
    wrong_type: { id: `Berkas "${name}" bukan JPEG, PNG atau PDF (dilihat dari isinya, bukan namanya). Lampirkan foto JPEG/PNG atau dokumen PDF.`, en: `The file "${name}" is not a JPEG, PNG or PDF (judged by its content, not its name). Attach a JPEG/PNG photo or a PDF document.` },
    unreadable: { id: `Berkas "${name}" tidak dapat dibaca (terpotong atau rusak). Kirim ulang berkas aslinya.`, en: `The file "${name}" cannot be read (cut short or damaged). Send the original file again.` },
    missing: { id: `Unggahan "${name}" tidak ditemukan atau sudah kedaluwarsa (unggahan disimpan 1 hari). Unggah ulang berkasnya.`, en: `The upload "${name}" was not found or has expired (uploads are kept for 1 day). Upload the file again.` },
    too_many: { id: `Paling banyak ${MAX_ATTACHMENTS} lampiran per pengaduan; "${name}" melebihi batas itu.`, en: `At most ${MAX_ATTACHMENTS} attachments per complaint; "${name}" is over that limit.` },
  };
  return texts[problem];
}

/**
 * A file name as the reporter gave it, fit to show (escaped wherever it is shown) and to put in a
 * header: the last path segment, control characters and bidi overrides removed, at most 120 code
 * points; `lampiran-<n>` when nothing is left.
 */
export function displayName(name: string | undefined, n: number): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.normalize('NFC').replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  return [...clean].slice(0, 120).join('') || `lampiran-${n}`;
}

/** One attachment of a case, as the case records it. */
export interface AttachmentRecord {
  /** 1, 2, 3: its place on the case (and its object key `cases/<caseId>/<n>`). */
  n: number;
  /** The name the reporter's device gave it: shown (escaped), never logged. */
  name: string;
  contentType: AttachmentType;
  size: number;
  /** The reporter asked to keep the photo's location ("sertakan lokasi foto"). */
  locationKept: boolean;
  /** Set on a file an official attached to their response: kept at `responseFile(caseId, slot)`, slot being the task's. */
  by?: 'official';
  slot?: string;
}

/** Where an attachment of a case is kept: the reporter's under its number, an official's under its task's slot. */
export function attachmentKey(caseId: string, a: Pick<AttachmentRecord, 'n' | 'by' | 'slot'>): string {
  return a.by === 'official' && a.slot ? fileKeys.responseFile(caseId, a.slot) : fileKeys.caseFile(caseId, a.n);
}

/** Where a case's files are kept, and where unclaimed uploads wait (expired after a day by the bucket's lifecycle). */
export const fileKeys = {
  upload: (uploadId: string) => `uploads/${uploadId}`,
  caseFile: (caseId: string, n: number) => `cases/${caseId}/${n}`,
  responseFile: (caseId: string, slot: string) => `cases/${caseId}/response-${slot.replace(/[^A-Za-z0-9_-]/g, '_')}`,
  /** The prefix the lifecycle rule expires after one day. */
  uploadsPrefix: 'uploads/',
  casesPrefix: 'cases/',
};

/** An upload id: `u` and 32 hex digits (128 random bits): holding it is what lets a complaint claim the file. */
export const isUploadId = (s: string) => /^u[0-9a-f]{32}$/.test(s);
