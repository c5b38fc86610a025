/** Invoked by the state machines (.waitForTaskToken): open a task and send the email that carries its link. */
import middy from '@middy/core';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { openTask } from '../../shared/usecases/workflow';
import { OpenTaskRequest } from '../../shared/workflow/contract';
import { dependencies, sesMailer } from '../adapters/deps';

/** The ports this function uses besides the case store (only these clients are bundled). */
const needs = { mailer: sesMailer };

export const handler = middy(async (event: OpenTaskRequest) => {
  await openTask(await dependencies(needs), event);
  return {};
}).use(parser({ schema: OpenTaskRequest }));
