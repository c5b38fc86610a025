/** The Mailer port over SES: SendEmail for plain messages, SendRawEmail with MIME for attachments. */
import { SendEmailCommand, SendRawEmailCommand, type MessageTag, type SESClient } from '@aws-sdk/client-ses';
import { buildMime, headerSafe } from '../../shared/email/mime';
import type { Mailer, OutgoingEmail } from '../../shared/ports';

/**
 * SES message tags: names and values of letters, digits, `_`, `-` (and `.`, `@` SES accepts in
 * neither everywhere, so they become `_`), at most 256 characters. They come back in bounce and
 * complaint events (functions/mail-events), which is how such an event finds its case.
 */
export function messageTags(tags: Record<string, string> | undefined): MessageTag[] | undefined {
  if (!tags) return undefined;
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256);
  const list = Object.entries(tags).filter(([, v]) => v).map(([Name, Value]) => ({ Name: safe(Name), Value: safe(Value) }));
  return list.length ? list : undefined;
}

/**
 * The header a raw message begins with, for the SDK's sake, not the reader's. SendRawEmail goes over
 * SES's query protocol: the SDK base64-encodes the message and passes the text to
 * `extendedEncodeURIComponent`, which first tests it against `/^[\w.~-]+$/`. A message whose encoding
 * holds no `+` or `/` (ASCII text whose every third byte is none of `>?~`, as a MIME message with a
 * large base64 attachment easily is) makes that test scan all of it, ≈ 9.5 MB for a 5 MB file, and in
 * a long-running process V8 then throws `RangeError: Maximum call stack size exceeded` at every
 * attempt (seen in the full test suite, session 6: the answer with a 5 MB PDF given up after 5 attempts).
 * Three `?` in a row put a byte 0x3F at an offset ≡ 2 (mod 3), which encodes as `/` within the first
 * 40 characters, so the test fails there and the SDK takes its ordinary path.
 */
export const RAW_GUARD_HEADER = 'X-Tanggap-Encoding-Guard: ???';

/** The bytes SendRawEmail is given: the guard header, then the MIME message. */
export function rawMessage(mail: OutgoingEmail): Uint8Array {
  return Buffer.from(`${RAW_GUARD_HEADER}\r\n${buildMime(mail)}`, 'utf8');
}

export class SesMailer implements Mailer {
  constructor(private readonly client: SESClient) {}

  async send(mail: OutgoingEmail): Promise<{ messageId: string }> {
    if (mail.attachments?.length) {
      const out = await this.client.send(new SendRawEmailCommand({ RawMessage: { Data: rawMessage(mail) }, Tags: messageTags(mail.tags) }));
      return { messageId: out.MessageId ?? '' };
    }
    const out = await this.client.send(new SendEmailCommand({
      Source: headerSafe(mail.from),
      Tags: messageTags(mail.tags),
      Destination: { ToAddresses: mail.to.map(headerSafe), CcAddresses: mail.cc?.map(headerSafe) },
      ReplyToAddresses: mail.replyTo ? [headerSafe(mail.replyTo)] : undefined,
      Message: {
        Subject: { Data: headerSafe(mail.subject), Charset: 'UTF-8' },
        Body: { Text: { Data: mail.text, Charset: 'UTF-8' }, Html: { Data: mail.html, Charset: 'UTF-8' } },
      },
    }));
    return { messageId: out.MessageId ?? '' };
  }
}
