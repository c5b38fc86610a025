/**
 * Invoked by the state machines: record a decision, an SLA verdict, the reporter's feedback,
 * closure; the execution's start (answering when it hands over) and the hand-over itself.
 */
import middy from '@middy/core';
import { parseEvent } from '../adapters/event-parser';
import { recordOutcome } from '../../shared/usecases/workflow';
import { OutcomeRequest } from '../../shared/workflow/contract';
import { bundledSops, dependencies, sesMailer, sfnWorkflow } from '../adapters/deps';

/** The ports this function uses besides the case store (only these clients are bundled). */
const needs = { mailer: sesMailer, workflow: sfnWorkflow, sops: bundledSops };

export const handler = middy(async (event: OutcomeRequest) => (await recordOutcome(await dependencies(needs), event)) ?? {}).use(parseEvent(OutcomeRequest));
