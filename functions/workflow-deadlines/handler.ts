/** Invoked by the state machines: the SLA deadlines of a step, a phase or the reporter's window. */
import middy from '@middy/core';
import { parseEvent } from '../adapters/event-parser';
import { computeStepDeadlines } from '../../shared/usecases/workflow';
import { DeadlinesRequest } from '../../shared/workflow/contract';
import { bundledSops, dependencies, sesMailer } from '../adapters/deps';

/** The ports this function uses besides the case store (only these clients are bundled). */
const needs = { mailer: sesMailer, sops: bundledSops };

export const handler = middy(async (event: DeadlinesRequest) => computeStepDeadlines(await dependencies(needs), event)).use(parseEvent(DeadlinesRequest));
