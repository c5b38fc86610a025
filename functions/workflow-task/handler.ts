/**
 * Invoked by the state machines (.waitForTaskToken): open a task and send the email that carries its
 * link; or park a state that failed after its retries, until an operator resumes it.
 */
import middy from '@middy/core';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { parkFailedState } from '../../shared/usecases/attention';
import { openTask } from '../../shared/usecases/workflow';
import { TaskFunctionRequest } from '../../shared/workflow/contract';
import { dependencies } from '../adapters/deps';

export const handler = middy(async (event: TaskFunctionRequest) => {
  if (event.kind === 'park') await parkFailedState(await dependencies(), event);
  else await openTask(await dependencies(), event);
  return {};
}).use(parser({ schema: TaskFunctionRequest }));
