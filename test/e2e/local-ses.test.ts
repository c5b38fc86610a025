/**
 * The local SES endpoint, reached by the handlers' own SesMailer through the real @aws-sdk/client-ses:
 * plain and raw (MIME, with attachments) messages kept in sending order, on disk before SES answers,
 * intact after a restart, and a line torn by a kill -9 cut without losing the messages before it.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESClient } from '@aws-sdk/client-ses';
import { SesMailer } from '../../functions/adapters/ses-mailer';
import { LocalMailbox, linksOf, startLocalSes } from '../../infra/local/ses';

const NOW = new Date('2026-11-23T02:00:00Z');
let dir: string;
let opened: { mailbox: LocalMailbox; server: Server; client: SESClient }[] = [];

async function open() {
  const mailbox = new LocalMailbox(join(dir, 'mail'), () => NOW);
  const ses = await startLocalSes(mailbox);
  const client = new SESClient({ endpoint: ses.url, region: 'ap-southeast-3', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  opened.push({ mailbox, server: ses.server, client });
  return { mailbox, mailer: new SesMailer(client) };
}

async function closeAll() {
  for (const o of opened) {
    o.client.destroy();
    await new Promise((r) => o.server.close(r));
    await o.mailbox.close();
  }
  opened = [];
}

beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tanggap-ses-')); });
afterEach(async () => { await closeAll(); rmSync(dir, { recursive: true, force: true }); });

const plain = (n: number) => ({
  from: 'Tanggap <tanggap@musitanggap.example.go.id>', to: [`petugas${n}@example.go.id`], cc: ['atasan@example.go.id'],
  subject: `Tugas baru: nomor ${n} — TGP-ABCD-EFGH`, text: `Buka tugas: http://127.0.0.1:3000/tasks/k${n}`, html: `<a href="http://127.0.0.1:3000/tasks/k${n}?a=1&amp;b=2">Buka tugas</a>`,
});

test('messages sent through the SDK are kept in sending order with their links, and are on disk when SES answers', async () => {
  // Prepare
  const { mailbox, mailer } = await open();
  // Act
  for (let n = 1; n <= 3; n++) await mailer.send(plain(n));
  await Promise.all([4, 5, 6].map((n) => mailer.send(plain(n))));
  // Assess
  const all = mailbox.all();
  expect(all.slice(0, 3).map((m) => m.to)).toEqual([['petugas1@example.go.id'], ['petugas2@example.go.id'], ['petugas3@example.go.id']]);
  expect(all).toHaveLength(6);
  expect(all[0]).toMatchObject({ cc: ['atasan@example.go.id'], subject: 'Tugas baru: nomor 1 — TGP-ABCD-EFGH', sentAt: NOW.toISOString(), attachments: [] });
  expect(all[0]!.links).toEqual(['http://127.0.0.1:3000/tasks/k1', 'http://127.0.0.1:3000/tasks/k1?a=1&b=2']);
  const onDisk = readFileSync(join(dir, 'mail', 'messages.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).id);
  expect(onDisk).toEqual(all.map((m) => m.id));
});

test('a raw message with an attachment is parsed: addresses, subject, text, and the attachment named and sized', async () => {
  const { mailbox, mailer } = await open();
  const csv = Buffer.from('tracking_id,status\r\nTGP-ABCD-EFGH,closed\r\n', 'utf8');
  await mailer.send({ ...plain(7), subject: 'Rekapitulasi pengaduan — November 2026', attachments: [{ filename: 'pengaduan-2026-11.csv', contentType: 'text/csv; charset=utf-8', content: csv }] });
  const [m] = mailbox.all();
  expect(m).toMatchObject({ from: 'tanggap@musitanggap.example.go.id', to: ['petugas7@example.go.id'], subject: 'Rekapitulasi pengaduan — November 2026' });
  expect(m!.text).toContain('http://127.0.0.1:3000/tasks/k7');
  expect(m!.attachments).toEqual([{ filename: 'pengaduan-2026-11.csv', contentType: 'text/csv', size: csv.length }]);
});

test('the mail survives a restart; a torn last line (kill -9 mid-write) is cut and the next message follows cleanly', async () => {
  // Prepare: two messages, then half a line as a killed process would leave it.
  let { mailer } = await open();
  await mailer.send(plain(1));
  await mailer.send(plain(2));
  await closeAll();
  appendFileSync(join(dir, 'mail', 'messages.jsonl'), '{"id":"torn","from":"x');
  // Act
  const reopened = await open();
  mailer = reopened.mailer;
  await mailer.send(plain(3));
  await closeAll();
  const third = await open();
  // Assess
  expect(third.mailbox.all().map((m) => m.to[0])).toEqual(['petugas1@example.go.id', 'petugas2@example.go.id', 'petugas3@example.go.id']);
});

test('an unsupported SES action is refused with an SES error, and nothing is kept', async () => {
  const { mailbox } = await open();
  const url = `http://127.0.0.1:${(opened[0]!.server.address() as { port: number }).port}/`;
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=SendBounce' });
  expect(res.status).toBe(400);
  expect(await res.text()).toContain('<Code>InvalidAction</Code>');
  expect(mailbox.all()).toEqual([]);
});

test.each([
  ['plain text', 'Lihat http://a.example/x. Lalu https://b.example/y?z=1, selesai', '', ['http://a.example/x', 'https://b.example/y?z=1']],
  ['html with escaped ampersands, deduplicated', 'http://a.example/p?a=1&b=2', '<a href="http://a.example/p?a=1&amp;b=2">x</a>', ['http://a.example/p?a=1&b=2']],
  ['no links', 'Terima kasih.', '<p>Terima kasih.</p>', []],
])('linksOf: %s', (_name, text, html, expected) => {
  expect(linksOf(text, html)).toEqual(expected);
});
