/**
 * Ports: what the domain needs from the outside world. Their AWS SDK adapters live in
 * `functions/adapters/`; tests and the local runtime use the same adapters against local
 * stand-ins, or in-memory fakes for unit tests.
 */

/** Time, always through this port: SLA code and tests never patch Date. */
export interface Clock {
  now(): Date;
}

export interface EmailAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
  /** Set for inline images referenced as `cid:` in the HTML. */
  contentId?: string;
}

export interface OutgoingEmail {
  from: string;
  to: string[];
  cc?: string[];
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  attachments?: EmailAttachment[];
}

export interface Mailer {
  send(message: OutgoingEmail): Promise<{ messageId: string }>;
}

/** Step Functions, as the handlers use it. */
export interface Workflow {
  /** Idempotent by name: a second start with the same name and input is not a second execution. */
  start(sopId: string, name: string, input: unknown): Promise<{ executionArn: string }>;
  taskSucceeded(taskToken: string, output: unknown): Promise<void>;
  taskFailed(taskToken: string, error: string, cause: string): Promise<void>;
}
