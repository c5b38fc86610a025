/**
 * SES events of the configuration set (bounce, complaint, reject, delivery delay), delivered by an
 * EventBridge rule (infra/aws/constructs/mail.ts) — and on the local runtime by its SES endpoint,
 * for messages to the mailbox simulator's addresses. Parsed with zod at the edge; the event is never
 * logged whole (it carries addresses). A failure is retried by EventBridge, then kept in its DLQ.
 */
import middy from '@middy/core';
import { parseEvent } from '../adapters/event-parser';
import * as z from 'zod/mini';
import { handleMailEvent, SesMailEvent } from '../../shared/usecases/mail-events';
import { bundledSops, mailEventDependencies, sesMailer } from '../adapters/deps';

/** The ports this function uses besides the case store (only these clients are bundled): the admin's email. */
const needs = { mailer: sesMailer, sops: bundledSops };

/** An EventBridge event from SES: only its `detail` is read. */
export const SesEventBridgeEvent = z.object({ source: z.optional(z.string()), detail: SesMailEvent });
export type SesEventBridgeEvent = z.infer<typeof SesEventBridgeEvent>;

export const handler = middy(async (event: SesEventBridgeEvent) => {
  await handleMailEvent(await mailEventDependencies(needs), event.detail);
  return {};
}).use(parseEvent(SesEventBridgeEvent));
