/**
 * Invoked by the state machines (.waitForTaskToken): open a task and send the email that carries its
 * link; or park a state that failed after its retries, until an operator resumes it.
 */
import middy from '@middy/core';
import { parseEvent } from '../adapters/event-parser';
import { parkFailedState } from '../../shared/usecases/attention';
import { openTask } from '../../shared/usecases/workflow';
import { TaskFunctionRequest } from '../../shared/workflow/contract';
import { bundledSops, dependencies, s3Files, sesMailer } from '../adapters/deps';

/** The ports this function uses besides the case store (only these clients are bundled). */
const needs = { mailer: sesMailer, files: s3Files, sops: bundledSops };

export const handler = middy(async (event: TaskFunctionRequest) => {
  if (event.kind === 'park') await parkFailedState(await dependencies(needs), event);
  else await openTask(await dependencies(needs), event);
  return {};
}).use(parseEvent(TaskFunctionRequest));
