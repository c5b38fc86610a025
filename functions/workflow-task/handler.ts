/** Invoked by the state machines (.waitForTaskToken): open a task and send the email that carries its link. */
import middy from '@middy/core';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { openTask } from '../../shared/usecases/workflow';
import { OpenTaskRequest } from '../../shared/workflow/contract';
import { dependencies } from '../adapters/deps';

export const handler = middy(async (event: OpenTaskRequest) => {
  await openTask(await dependencies(), event);
  return {};
}).use(parser({ schema: OpenTaskRequest }));
