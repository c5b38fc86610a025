/**
 * Invoked by the state machines: record a decision, an SLA verdict, the reporter's feedback,
 * closure; the execution's start (answering when it hands over) and the hand-over itself.
 */
import middy from '@middy/core';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { recordOutcome } from '../../shared/usecases/workflow';
import { OutcomeRequest } from '../../shared/workflow/contract';
import { dependencies } from '../adapters/deps';

export const handler = middy(async (event: OutcomeRequest) => (await recordOutcome(await dependencies(), event)) ?? {}).use(parser({ schema: OutcomeRequest }));
