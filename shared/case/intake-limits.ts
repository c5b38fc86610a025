/**
 * The intake limits and notices that pages, emails and the status read without parsing a complaint:
 * kept apart from complaint.ts, whose zod schemas are built when it is imported, so that a function
 * that only shows these (the status, the error page, the acknowledgement email) does not carry them.
 * complaint.ts re-exports them.
 */
import type { Localized } from '../errors';

/**
 * The form's honeypot: a field a person never sees (hidden from view and from screen readers, see
 * shared/web/pages.ts) and automated form-fillers fill in. A filled one refuses the submission
 * before anything is stored or sent, with a message a person who somehow saw it can act on.
 */
export const HONEYPOT_FIELD = 'website';

/**
 * The mailbox an address reaches, for counting what is sent to it: lowercased, without a `+tag`
 * (sub-addressing delivers `korban+1@…` to `korban@…`), and for Gmail, whose addresses ignore dots
 * and answer to googlemail.com too, without dots on gmail.com. Used only to count, never to send.
 */
export function mailboxOf(email: string): string {
  const at = email.lastIndexOf('@');
  let local = email.slice(0, at).toLowerCase().normalize('NFC');
  let domain = email.slice(at + 1).toLowerCase().replace(/\.$/, '');
  local = local.split('+')[0]!;
  if (domain === 'googlemail.com') domain = 'gmail.com';
  if (domain === 'gmail.com') local = local.replace(/\./g, '');
  return `${local}@${domain}`;
}

/**
 * Acknowledgements one address named as reporter receives per office day (Asia/Jakarta, the
 * regency's calendar): anyone may type anyone's address into the form, so intake must not become a
 * way to flood a stranger's mailbox from the regency's domain. Later complaints are stored and
 * handled all the same; the 201 answer and the tracking page say why no email came.
 */
export const ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY = 3;

/** Why no acknowledgement came, for the 201 answer, the confirmation page and the tracking page. */
export const acknowledgementWithheldNotice: Localized = {
  id: `Email tanda terima tidak dikirim untuk pengaduan ini: alamat email pelapor sudah menerima ${ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY} email tanda terima hari ini, batas harian untuk mencegah alamat email orang lain dibanjiri. Pengaduan tetap tersimpan dan ditangani; simpan nomor pelacakannya untuk mengikutinya di halaman pelacakan.`,
  en: `No acknowledgement email was sent for this complaint: the reporter's email address has already received ${ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY} acknowledgements today, the daily limit that keeps anyone's mailbox from being flooded. The complaint is stored and handled all the same; keep its tracking number to follow it on the tracking page.`,
};
