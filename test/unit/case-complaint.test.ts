/**
 * The complaint schema: what a citizen must fix, in their language, with the path of each field;
 * what it accepts and how it normalises it.
 */
import fc from 'fast-check';
import { complaintFromForm, honeypotIssues, mailboxOf, parseComplaint } from '../../shared/case/complaint';
import { demoDirectory } from '../../shared/directory';

const today = '2026-11-20';
const valid = {
  agencyId: 'dinkes-muba',
  category: 'pelayanan',
  title: 'Antrean puskesmas terlalu lama',
  description: 'Saya menunggu lebih dari tiga jam tanpa kejelasan dari petugas.',
  location: 'Puskesmas Sekayu',
  incidentDate: '2026-11-19',
  reporter: { name: 'Siti Rahma', email: 'siti@example.com', phone: '0812 3456 7890' },
};
const parse = (input: unknown, lang: 'id' | 'en' = 'id') => parseComplaint(input, demoDirectory, lang, today);
const issuesOf = (input: unknown, lang: 'id' | 'en' = 'id') => {
  const r = parse(input, lang);
  if (r.ok) throw new Error('expected issues');
  return r.issues;
};

test('a valid complaint is accepted, trimmed, and defaults to the web channel, named and not confidential', () => {
  const r = parse({ ...valid, title: `  ${valid.title}  ` });
  expect(r).toEqual({ ok: true, complaint: expect.objectContaining({ title: valid.title, channel: 'web', anonymous: false, confidential: false, reporter: valid.reporter }) });
});

test.each([
  ['missing fields', { agencyId: 'dinkes-muba' }, { title: 'Wajib diisi.', description: 'Wajib diisi.', category: 'Wajib diisi.' }],
  ['a short description', { ...valid, description: 'Terlalu lama.' }, { description: 'Minimal 20 karakter (spasi dan karakter tak terlihat tidak dihitung; sekarang 12).' }],
  ['a description of only spaces around a short text', { ...valid, description: `   ${'a'.repeat(19)}   ` }, { description: 'Minimal 20 karakter (spasi dan karakter tak terlihat tidak dihitung; sekarang 19).' }],
  ['a long title', { ...valid, title: 'x'.repeat(151) }, { title: 'Maksimal 150 karakter (sekarang 151).' }],
  ['a long description', { ...valid, description: 'x'.repeat(5001) }, { description: 'Maksimal 5000 karakter (sekarang 5001).' }],
  ['a number as title', { ...valid, title: 42 }, { title: 'Harus berupa teks.' }],
  ['a title of 30 zero-width spaces', { ...valid, title: '\u200B'.repeat(30) }, { title: 'Wajib diisi: minimal 5 karakter yang terlihat.' }],
  ['a description padded to length with invisible characters', { ...valid, description: `Rusak ${'\u200B\u200C\u00AD\uFEFF'.repeat(10)}` }, { description: 'Minimal 20 karakter (spasi dan karakter tak terlihat tidak dihitung; sekarang 5).' }],
  ['a NUL in the title', { ...valid, title: 'Antrean\u0000 panjang' }, { title: 'Berisi karakter kendali yang tidak terlihat (U+0000, karakter ke-8); biasanya terbawa saat menyalin teks. Hapus karakter itu lalu kirim lagi.' }],
  ['a right-to-left override in the description', { ...valid, description: `${valid.description} \u202Egnp.exe` }, { description: expect.stringContaining('pengatur arah teks (U+202E') }],
  ['a line break in the title (a single line)', { ...valid, title: 'Antrean\npanjang' }, { title: 'Harus satu baris: tanpa baris baru (karakter ke-8).' }],
  ['a location of invisible characters only', { ...valid, location: '\u200B\u200B' }, { location: 'Hanya berisi spasi atau karakter yang tidak terlihat; tulis isinya, atau kosongkan.' }],
  ['a control character in the reporter\'s name', { ...valid, reporter: { ...valid.reporter, name: 'Siti\u001B' } }, { 'reporter.name': expect.stringContaining('U+001B') }],
  ['an unknown channel', { ...valid, channel: 'fax' }, { channel: 'Kanal tidak dikenal; pilih salah satu: web, email, box, in_person, post, lapor.' }],
  ['a channel that is not text', { ...valid, channel: 7 }, { channel: 'Kanal tidak dikenal; pilih salah satu: web, email, box, in_person, post, lapor.' }],
  ['an unknown agency', { ...valid, agencyId: 'dinas-rahasia' }, { agencyId: 'Instansi tidak dikenal.' }],
  ['a category of another agency', { ...valid, category: 'ktp-el' }, { category: 'Kategori tidak tersedia untuk instansi ini.' }],
  ['an incident tomorrow', { ...valid, incidentDate: '2026-11-21' }, { incidentDate: 'Tanggal kejadian tidak boleh di masa depan.' }],
  ['a day that does not exist', { ...valid, incidentDate: '2026-02-30' }, { incidentDate: 'Tanggal tidak valid (format TTTT-BB-HH).' }],
  ['another date format', { ...valid, incidentDate: '19/11/2026' }, { incidentDate: 'Tanggal tidak valid (format TTTT-BB-HH).' }],
  ['no contact and not anonymous', { ...valid, reporter: { name: 'Budi' } }, { reporter: 'Isi email atau nomor telepon, atau pilih anonim.' }],
  ['a bad email', { ...valid, reporter: { email: 'siti@' } }, { 'reporter.email': 'Alamat email tidak valid.' }],
  ['a bad phone', { ...valid, reporter: { phone: 'call me' } }, { 'reporter.phone': 'Nomor telepon tidak valid (contoh: 0812 3456 7890).' }],
  ['an unknown field', { ...valid, priority: 'urgent' }, { priority: 'Isian tidak dikenal.' }],
  ['two unknown fields, each named', { ...valid, priority: 'urgent', nik: '1606' }, { priority: 'Isian tidak dikenal.', nik: 'Isian tidak dikenal.' }],
  ['an unknown field without a name', { ...valid, '': 'x' }, { '""': 'Isian tidak dikenal.' }],
  ['an unknown reporter field', { ...valid, reporter: { ...valid.reporter, nik: '1606' } }, { 'reporter.nik': 'Isian tidak dikenal.' }],
  ['a yes/no that is neither', { ...valid, anonymous: 'maybe' }, { anonymous: 'Harus ya atau tidak.' }],
  ['not an object', 'complaint', { '(body)': 'Harus berupa objek JSON dengan isian pengaduan.' }],
  ['a reporter that is not an object', { ...valid, reporter: 'Siti' }, { reporter: 'Harus berupa objek: name, email, phone.' }],
])('%s is refused with the field to fix', (_what, input, expected) => {
  const issues = issuesOf(input);
  for (const [path, message] of Object.entries(expected)) expect(issues).toContainEqual({ path, message });
});

test('messages are in English when asked', () => {
  expect(issuesOf({ ...valid, description: 'short' }, 'en')).toEqual([{ path: 'description', message: 'At least 20 characters (spaces and invisible characters do not count; now 5).' }]);
  expect(issuesOf({ ...valid, agencyId: 'x' }, 'en')).toEqual([{ path: 'agencyId', message: 'Unknown agency.' }]);
});

test('an agency that does not take complaints is refused like an unknown one', () => {
  const directory = { ...demoDirectory, agencies: demoDirectory.agencies.map((a) => (a.id === 'dinkes-muba' ? { ...a, acceptsComplaints: false } : a)) };
  const r = parseComplaint(valid, directory, 'id', today);
  expect(r).toEqual({ ok: false, issues: [{ path: 'agencyId', message: 'Instansi tidak dikenal.' }] });
});

test.each([
  ['an anonymous reporter without contact', { ...valid, reporter: undefined, anonymous: true }],
  ['a phone only', { ...valid, reporter: { phone: '+62 812-3456-7890' } }],
  ['an incident today', { ...valid, incidentDate: today }],
  ['no incident date (the form leaves it empty)', { ...valid, incidentDate: '' }],
  ['ordinary words that contain "on" before "="', { ...valid, description: 'Kondisi = rusak berat; tombol=on dan lampu mati sejak kemarin.' }],
  ['comparisons with numbers', { ...valid, description: 'Antrean < 10 orang tapi menunggu > 3 jam di loket pendaftaran.' }],
  ['an equals sign in the title', { ...valid, title: 'Layanan online = tidak bisa diakses' }],
  ['a price in angle brackets', { ...valid, title: 'harga <Rp 50.000> ditagih dua kali' }],
  ['a tag written as text', { ...valid, description: 'Petugas menulis <script>alert(1)</script> di papan pengumuman.' }],
  ['quotes, a backslash, emoji and line breaks', { ...valid, location: 'Loket "2" \\ ruang B 🙏', description: 'Baris satu "kutip".\nBaris dua\tdengan tab \\ 😡👍🏽.' }],
  ['a known channel', { ...valid, channel: 'lapor' }],
])('accepts %s, as written', (_what, input) => {
  const r = parse(input);
  expect(r.ok).toBe(true);
  if (r.ok) for (const k of ['title', 'description', 'location'] as const) expect(r.complaint[k]).toBe(((input as Record<string, unknown>)[k] as string | undefined)?.trim());
});

test('the channel given is kept; none given is the web form', () => {
  const r = parse({ ...valid, channel: 'box' });
  expect(r.ok && r.complaint.channel).toBe('box');
});

test('a filled honeypot is a field to fix; an empty one is nothing', () => {
  expect(honeypotIssues({ website: 'http://spam.example' }, 'id')).toEqual([{ path: 'website', message: expect.stringContaining('harus dibiarkan kosong') }]);
  expect(honeypotIssues({ website: '' }, 'en')).toEqual([]);
  expect(honeypotIssues({}, 'en')).toEqual([]);
});

test('the form\'s flat fields become the API shape', () => {
  const form = { target: 'dinkes-muba/obat', title: 'Obat habis', description: valid.description, 'reporter.email': 'siti@example.com', anonymous: 'on' };
  expect(complaintFromForm(form)).toMatchObject({ agencyId: 'dinkes-muba', category: 'obat', reporter: { email: 'siti@example.com' }, anonymous: 'on' });
  const r = parse(complaintFromForm(form));
  expect(r.ok && r.complaint.anonymous).toBe(true);
});

test('any plain text of the right length, markup characters included, is accepted as the description (property)', () => {
  const plain = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz ABC.,;:!?()-0123456789éê<>"\'=&/\\'.split('')), minLength: 20, maxLength: 300 })
    .filter((s) => s.replace(/\s/g, '').length >= 20);
  fc.assert(fc.property(plain, (description) => {
    const r = parse({ ...valid, description });
    expect(r.ok && r.complaint.description).toBe(description.trim());
  }));
});

test('any input at all gives the complaint or issues with a path and a message, never an exception (property)', () => {
  const near = fc.record({
    agencyId: fc.oneof(fc.constant('dinkes-muba'), fc.string(), fc.integer()),
    category: fc.oneof(fc.constant('pelayanan'), fc.string()),
    title: fc.oneof(fc.string(), fc.anything()),
    description: fc.oneof(fc.string({ minLength: 15, maxLength: 40 }), fc.anything()),
    incidentDate: fc.oneof(fc.string(), fc.constant('2026-02-29'), fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))),
    reporter: fc.oneof(fc.anything(), fc.record({ email: fc.string(), phone: fc.string() }, { requiredKeys: [] })),
    anonymous: fc.anything(),
  }, { requiredKeys: [] });
  fc.assert(fc.property(fc.oneof(fc.anything(), near), fc.constantFrom('id' as const, 'en' as const), (input, lang) => {
    const r = parse(input, lang);
    if (!r.ok) {
      expect(r.issues.length).toBeGreaterThan(0);
      for (const i of r.issues) {
        expect(typeof i.path).toBe('string');
        expect(i.path.length).toBeGreaterThan(0);
        expect(typeof i.message).toBe('string');
      }
    }
  }), { numRuns: 500 });
});

test.each([
  ['Korban@Example.COM', 'korban@example.com'],
  ['korban+spam1@example.com', 'korban@example.com'],
  ['korban+@example.com', 'korban@example.com'],
  ['k.o.r.b.a.n@gmail.com', 'korban@gmail.com'],
  ['Korban.Satu+x@GoogleMail.com', 'korbansatu@gmail.com'],
  ['korban.satu@example.com', 'korban.satu@example.com'],
])('%s is counted as the mailbox %s', (email, mailbox) => {
  expect(mailboxOf(email)).toBe(mailbox);
});
