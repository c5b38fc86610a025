/**
 * A local SES endpoint for the handlers' real @aws-sdk/client-ses (the v1 Query API: SendEmail and
 * SendRawEmail). Sent mail is appended to DATA_DIR/mail/messages.jsonl and synced to disk before
 * SES answers, so it survives restarts (a `kill -9` included); the writes are asynchronous and in
 * order, so the runtime's one thread is not held while the disk syncs; aws-ses-v2-local keeps mail in memory only, which is why the runtime captures mail itself.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, truncateSync } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';

export interface StoredMail {
  id: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html: string;
  sentAt: string;
  links: string[];
  /** Kept beside the mail (GET /_local/mail/<id>/<index> serves them); `contentId` for inline images. */
  attachments: { filename: string; contentType: string; size: number; contentId?: string }[];
}

/** SES refuses a raw message longer than this (10 MiB), and so does the local endpoint. */
export const SES_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/** Every http(s) URL in a message, in order, without duplicates. */
export function linksOf(text: string, html: string): string[] {
  const found = [...`${text}\n${html.replace(/&amp;/g, '&')}`.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0].replace(/[.,;]+$/, ''));
  return [...new Set(found)];
}

/**
 * The sent mail, on disk only: a message's text and HTML are most of what an open case costs in
 * memory, and nobody reads them but the mailbox, so they are read back from the file when asked.
 */
export class LocalMailbox {
  private readonly file: string;
  /** Bytes of the file that hold acknowledged messages (a write in flight lies beyond). */
  private ackedBytes = 0;
  private file$: Promise<FileHandle> | undefined;
  /** Appends in sending order, each one synced before the next. */
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly dir: string, readonly now: () => Date) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, 'messages.jsonl');
    if (existsSync(this.file)) {
      const content = readFileSync(this.file);
      // A line torn by a kill -9 was never acknowledged to the sender: cut it, so the next append starts clean.
      const whole = content.lastIndexOf(0x0a) + 1;
      if (whole < content.length) truncateSync(this.file, whole);
      this.ackedBytes = whole;
    }
    closeSync(openSync(this.file, 'a'));
  }

  /** Every acknowledged message, oldest first. */
  all(): StoredMail[] {
    if (this.ackedBytes === 0) return [];
    const content = readFileSync(this.file).subarray(0, this.ackedBytes).toString('utf8');
    return content.split('\n').filter(Boolean).map((line) => JSON.parse(line) as StoredMail);
  }

  /** An attachment of a kept message (its bytes from disk), or undefined. */
  attachment(id: string, index: number): { filename: string; contentType: string; content: Buffer } | undefined {
    const mail = /^[0-9a-f-]{36}$/.test(id) ? this.all().find((m) => m.id === id) : undefined;
    const meta = mail?.attachments[index];
    if (!meta) return undefined;
    try {
      return { filename: meta.filename, contentType: meta.contentType, content: readFileSync(join(this.dir, 'attachments', id, String(index))) };
    } catch {
      return undefined;
    }
  }

  /**
   * Keeps a sent message; resolves once it is on disk (SES answers only then). Attachments are
   * written (and synced) before the message's line, so a message never names a missing file.
   */
  async add(mail: Omit<StoredMail, 'id' | 'sentAt' | 'links' | 'attachments'> & { attachments: (StoredMail['attachments'][number] & { content: Buffer })[] }): Promise<StoredMail> {
    const id = randomUUID();
    const stored: StoredMail = {
      id, sentAt: this.now().toISOString(), links: linksOf(mail.text, mail.html), ...mail,
      attachments: mail.attachments.map(({ content: _content, ...meta }) => meta),
    };
    const line = Buffer.from(`${JSON.stringify(stored)}\n`, 'utf8');
    const written = this.tail.then(async () => {
      if (mail.attachments.length) {
        const dir = join(this.dir, 'attachments', id);
        await mkdir(dir, { recursive: true });
        for (const [i, a] of mail.attachments.entries()) {
          const fh = await open(join(dir, String(i)), 'w');
          await fh.writeFile(a.content);
          await fh.datasync();
          await fh.close();
        }
      }
      const fh = await (this.file$ ??= open(this.file, 'a'));
      await fh.appendFile(line);
      await fh.datasync();
      this.ackedBytes += line.length;
    });
    this.tail = written.catch(() => undefined);
    await written;
    return stored;
  }

  async close(): Promise<void> {
    await this.tail;
    const fh = this.file$;
    this.file$ = undefined;
    if (fh) await (await fh).close();
  }
}

const list = (form: URLSearchParams, prefix: string) =>
  [...form.entries()].filter(([k]) => k.startsWith(`${prefix}.member.`)).sort(([a], [b]) => Number(a.split('.').pop()) - Number(b.split('.').pop())).map(([, v]) => v);

const ok = (action: string, messageId: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><${action}Response xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><${action}Result><MessageId>${messageId}</MessageId></${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
const fault = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;

/**
 * SES's mailbox simulator, which the local endpoint imitates: a message to `bounce@` bounces
 * permanently, one to `complaint@` draws a complaint, once SES has accepted it (the message is kept
 * like any other). On AWS the simulator's own addresses do the same, through the configuration set.
 */
export const SIMULATOR_DOMAIN = 'simulator.amazonses.com';

/** An SES event as a configuration set publishes it (the `detail` of its EventBridge event). */
export interface SimulatedSesEvent {
  eventType: 'Bounce' | 'Complaint';
  mail: { timestamp: string; messageId: string; source: string; destination: string[]; tags: Record<string, string[]> };
  bounce?: { bounceType: 'Permanent'; bounceSubType: 'General'; bouncedRecipients: { emailAddress: string; action: 'failed'; status: string; diagnosticCode: string }[]; timestamp: string; feedbackId: string };
  complaint?: { complainedRecipients: { emailAddress: string }[]; complaintFeedbackType: 'abuse'; timestamp: string; feedbackId: string };
}

export interface LocalSesOptions {
  port?: number;
  /** Receives the simulator's events, after SES has answered (as SES publishes them, later). */
  onEvent?: (event: SimulatedSesEvent) => Promise<void>;
}

/** The simulator's events for a kept message: one per simulator recipient that bounces or complains. */
export function simulatedEvents(mail: StoredMail, tags: Record<string, string[]>, at: Date): SimulatedSesEvent[] {
  const recipients = [...mail.to, ...mail.cc];
  const local = (a: string) => (a.toLowerCase().endsWith(`@${SIMULATOR_DOMAIN}`) ? a.toLowerCase().split('@')[0] : undefined);
  const base = { timestamp: at.toISOString(), messageId: mail.id, source: mail.from, destination: recipients, tags };
  const events: SimulatedSesEvent[] = [];
  const bounced = recipients.filter((a) => local(a) === 'bounce');
  const complained = recipients.filter((a) => local(a) === 'complaint');
  if (bounced.length) {
    events.push({
      eventType: 'Bounce', mail: base,
      bounce: { bounceType: 'Permanent', bounceSubType: 'General', bouncedRecipients: bounced.map((emailAddress) => ({ emailAddress, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' })), timestamp: at.toISOString(), feedbackId: randomUUID() },
    });
  }
  if (complained.length) {
    events.push({ eventType: 'Complaint', mail: base, complaint: { complainedRecipients: complained.map((emailAddress) => ({ emailAddress })), complaintFeedbackType: 'abuse', timestamp: at.toISOString(), feedbackId: randomUUID() } });
  }
  return events;
}

/** The message tags of a SendEmail/SendRawEmail request, as SES reports them in events (name → values). */
function tagsOf(form: URLSearchParams): Record<string, string[]> {
  const tags: Record<string, string[]> = {};
  for (const [k, name] of form.entries()) {
    const m = /^Tags\.member\.(\d+)\.Name$/.exec(k);
    const value = m ? form.get(`Tags.member.${m[1]}.Value`) : null;
    if (m && value !== null) tags[name] = [value];
  }
  return tags;
}

/** Starts the SES endpoint on 127.0.0.1 (port 0 = any free port). */
export async function startLocalSes(mailbox: LocalMailbox, options: LocalSesOptions | number = {}): Promise<{ url: string; server: Server }> {
  const { port = 0, onEvent } = typeof options === 'number' ? { port: options } : options;
  /** After SES has answered, as SES would publish them: a failing consumer is its own affair. */
  const publish = (stored: StoredMail, form: URLSearchParams) => {
    if (!onEvent) return;
    for (const event of simulatedEvents(stored, tagsOf(form), mailbox.now())) {
      setImmediate(() => { onEvent(event).catch(() => undefined); });
    }
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const action = form.get('Action');
        try {
          if (action === 'SendEmail') {
            const stored = await mailbox.add({
              from: form.get('Source') ?? '',
              to: list(form, 'Destination.ToAddresses'),
              cc: list(form, 'Destination.CcAddresses'),
              subject: form.get('Message.Subject.Data') ?? '',
              text: form.get('Message.Body.Text.Data') ?? '',
              html: form.get('Message.Body.Html.Data') ?? '',
              attachments: [],
            });
            res.writeHead(200, { 'content-type': 'text/xml' }).end(ok('SendEmail', stored.id));
            publish(stored, form);
          } else if (action === 'SendRawEmail') {
            const raw = Buffer.from(form.get('RawMessage.Data') ?? '', 'base64');
            if (raw.length > SES_MAX_MESSAGE_BYTES) {
              res.writeHead(400, { 'content-type': 'text/xml' }).end(fault('MessageRejected', `Message length is more than ${SES_MAX_MESSAGE_BYTES} bytes long: ${raw.length}.`));
              return;
            }
            const parsed = await simpleParser(raw);
            const addresses = (v: typeof parsed.to) => (Array.isArray(v) ? v : v ? [v] : []).flatMap((a) => a.value.map((x) => x.address ?? ''));
            const stored = await mailbox.add({
              from: parsed.from?.value[0]?.address ?? '',
              to: addresses(parsed.to),
              cc: addresses(parsed.cc),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              attachments: parsed.attachments.map((a) => ({
                filename: a.filename ?? '', contentType: a.contentType, size: a.size, content: a.content,
                ...(a.contentId ? { contentId: a.contentId.replace(/^<|>$/g, '') } : {}),
              })),
            });
            res.writeHead(200, { 'content-type': 'text/xml' }).end(ok('SendRawEmail', stored.id));
            publish(stored, form);
          } else {
            res.writeHead(400, { 'content-type': 'text/xml' }).end(fault('InvalidAction', `Unsupported action ${action}`));
          }
        } catch (err) {
          res.writeHead(400, { 'content-type': 'text/xml' }).end(fault('MessageRejected', err instanceof Error ? err.message : 'rejected'));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
