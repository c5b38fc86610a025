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

export class SesMailer implements Mailer {
  constructor(private readonly client: SESClient) {}

  async send(mail: OutgoingEmail): Promise<{ messageId: string }> {
    if (mail.attachments?.length) {
      const out = await this.client.send(new SendRawEmailCommand({ RawMessage: { Data: Buffer.from(buildMime(mail), 'utf8') }, Tags: messageTags(mail.tags) }));
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
