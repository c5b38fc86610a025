/**
 * The README walk-through in a real browser (Debian's chromium through playwright-core): open the
 * form, file a complaint, open the mailbox, click the task link in each email and act, then the
 * reporter's reply page and rating, then the clock. Only what a person clicks and types.
 */
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestRuntime, type TestRuntime } from '../support/runtime';

let rt: TestRuntime;
let browser: Browser;
beforeAll(async () => {
  rt = await startTestRuntime({ clockStart: new Date('2026-11-23T02:00:00Z') });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await rt?.dispose();
});

/** Opens the mailbox, picks the newest message whose subject matches, and clicks its button. */
async function clickInMailbox(page: Page, subject: RegExp, button: RegExp): Promise<void> {
  await page.goto(`${rt.url}/_local/mailbox`);
  await page.getByRole('link', { name: subject }).first().click();
  const message = page.frameLocator('iframe[title="message"]');
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/_local/')), message.getByRole('link', { name: button }).click()]);
}

test('a newcomer files a complaint in the form and follows it through the mailbox to the rating', async () => {
  const page = await browser.newPage({ locale: 'id-ID' });

  // The form: Bahasa Indonesia, labelled fields.
  await page.goto(`${rt.url}/`);
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Sampaikan pengaduan');
  await page.getByLabel('Instansi dan kategori').selectOption('perpus-muba/layanan');
  await page.getByLabel('Judul pengaduan').fill('Ruang baca tutup pada jam layanan');
  await page.getByLabel('Uraian').fill('Pada hari Jumat pukul 10.00 ruang baca terkunci padahal papan menyebut buka.');
  await page.getByLabel('Nama').fill('Siti Rahma');
  await page.getByLabel('Email').fill('siti.rahma@example.com');
  await page.getByRole('button', { name: 'Kirim pengaduan' }).click();
  const trackingId = (await page.locator('.tracking').first().textContent())?.trim() ?? '';
  expect(trackingId).toMatch(/^TGP-/);
  await rt.engine.waitForIdle();

  // Each official opens their task from the mailbox and takes the first action, filling what is required.
  const acted: string[] = [];
  for (let i = 0; i < 6 && !(await rt.mail()).some((m) => m.subject === `Tanggapan atas pengaduan ${trackingId}`); i++) {
    await clickInMailbox(page, new RegExp(`^Tugas baru: .* — ${trackingId}$`), /^Buka tugas$/);
    expect(new URL(page.url()).pathname).toMatch(/^\/tasks\//);
    acted.push((await page.getByRole('heading', { level: 1 }).textContent()) ?? '');
    const form = page.locator('form').first();
    for (const field of await form.locator('textarea[required], input[required]:not([type=hidden])').all()) await field.fill('Sudah ditindaklanjuti sesuai SOP; ruang baca kini dibuka tepat waktu.');
    await form.locator('button[type=submit]').click(); // an answering form also has a file input (a "button" to the accessibility tree)
    await expect(page.locator('[role=status]').textContent()).resolves.toBeTruthy();
    await rt.engine.waitForIdle();
  }
  expect(acted).toHaveLength(3);

  // The reporter opens the answer from the mailbox and rates it.
  await clickInMailbox(page, new RegExp(`^Tanggapan atas pengaduan ${trackingId}$`), /^Balas atau beri penilaian$/);
  await expect(page.getByText('ruang baca kini dibuka tepat waktu').first().isVisible()).resolves.toBe(true);
  await page.getByLabel('Ya, puas').check();
  await page.locator('input[name=rating][value="5"]').check();
  await page.getByRole('button', { name: 'Kirim' }).click();
  await rt.engine.waitForIdle();
  const status = await rt.call('GET', `/api/complaints/${trackingId}`);
  expect(status.body).toMatchObject({ status: 'closed', rating: 5 });

  // The tracking page shows the closed case; the clock moves on request.
  await page.goto(`${rt.url}/complaints/${trackingId}`);
  await expect(page.locator('body').textContent()).resolves.toContain(trackingId);
  const moved = await rt.call('POST', '/_local/clock', { advance: 'P3D' });
  expect(moved.status).toBe(200);
  expect(Date.parse(moved.body.now)).toBeGreaterThan(Date.parse('2026-11-26T00:00:00Z'));
  await page.close();
}, 120_000);
