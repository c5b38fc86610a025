/**
 * Invoked by the state machines: reminders, escalations, reprimand recommendations and the reporter's
 * notices. A refused email is recorded on the case and raised as MailDeliveryFailed for the state
 * machine to retry with backoff.
 */
import middy from '@middy/core';
import { parseEvent } from '../adapters/event-parser';
import { notify } from '../../shared/usecases/workflow';
import { NotifyRequest } from '../../shared/workflow/contract';
import { bundledSops, dependencies, sesMailer } from '../adapters/deps';

/** The ports this function uses besides the case store (only these clients are bundled). */
const needs = { mailer: sesMailer, sops: bundledSops };

export const handler = middy(async (event: NotifyRequest) => {
  await notify(await dependencies(needs), event);
  return {};
}).use(parseEvent(NotifyRequest));
