/** The Mailer port over SES: SendEmail for plain messages, SendRawEmail with MIME for attachments. */
import { SendEmailCommand, SendRawEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { buildMime, headerSafe } from '../../shared/email/mime';
import type { Mailer, OutgoingEmail } from '../../shared/ports';

export class SesMailer implements Mailer {
  constructor(private readonly client: SESClient) {}

  async send(mail: OutgoingEmail): Promise<{ messageId: string }> {
    if (mail.attachments?.length) {
      const out = await this.client.send(new SendRawEmailCommand({ RawMessage: { Data: Buffer.from(buildMime(mail), 'utf8') } }));
      return { messageId: out.MessageId ?? '' };
    }
    const out = await this.client.send(new SendEmailCommand({
      Source: headerSafe(mail.from),
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
