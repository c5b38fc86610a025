/**
 * The local Step Functions endpoint through the real @aws-sdk/client-sfn, as the handlers reach it
 * (endpoint configuration only): every operation the handlers and the runtime use, and AWS-shaped
 * errors that the SDK turns into its own exception classes.
 */
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand, ExecutionAlreadyExists, ExecutionDoesNotExist, GetExecutionHistoryCommand, InvalidToken, SendTaskFailureCommand,
  SendTaskHeartbeatCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand, StopExecutionCommand, TaskDoesNotExist,
} from '@aws-sdk/client-sfn';
import { VirtualClock } from '../../infra/local/clock';
import { LocalStepFunctions } from '../../infra/local/stepfunctions/engine';
import { startSfnServer } from '../../infra/local/stepfunctions/server';
import { raceMachine } from './stepfunctions-machines';

const START = new Date('2026-11-23T02:00:00.000Z');
const at = (minutes: number) => new Date(START.getTime() + minutes * 60_000).toISOString();

let dir: string;
let clock: VirtualClock;
let engine: LocalStepFunctions;
let server: Server;
let url: string;
let sfn: SFNClient;
let stateMachineArn: string;
const tokens: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tanggap-sfn-api-'));
  clock = new VirtualClock({ startAt: START, frozen: true });
  engine = new LocalStepFunctions({
    clock,
    dataDir: dir,
    invokers: {
      DeadlinesFunctionArn: async () => ({ remindAt: at(60), dueAt: at(90), rung2At: at(1440), closeAt: at(4320) }),
      TaskFunctionArn: async (p) => { tokens.push((p as { taskToken: string }).taskToken); return {}; },
      NotifyFunctionArn: async () => ({}),
    },
  });
  clock.settle = () => engine.waitForIdle();
  stateMachineArn = engine.createStateMachine('race', JSON.stringify(raceMachine));
  engine.resume();
  ({ server, url } = await startSfnServer(engine));
  sfn = new SFNClient({ endpoint: url, region: 'ap-southeast-3', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
});

afterAll(async () => {
  sfn.destroy();
  await new Promise((resolve) => server.close(resolve));
  engine.close();
  clock.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('listens on 127.0.0.1 on a free port', () => {
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});

test('StartExecution is idempotent by name and input; DescribeExecution and StopExecution answer as AWS does', async () => {
  const input = JSON.stringify({ caseId: 'c1' });
  const first = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'case-1', input }));
  const again = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'case-1', input }));
  expect(again.executionArn).toBe(first.executionArn);
  expect(first.startDate).toEqual(START);
  await expect(sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'case-1', input: '{"caseId":"other"}' }))).rejects.toBeInstanceOf(ExecutionAlreadyExists);

  const described = await sfn.send(new DescribeExecutionCommand({ executionArn: first.executionArn }));
  expect(described).toMatchObject({ status: 'RUNNING', name: 'case-1', stateMachineArn, input, startDate: START });

  await clock.advance('PT1M');
  const stopped = await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn, error: 'Withdrawn', cause: 'test' }));
  expect(stopped.stopDate).toEqual(new Date(at(1)));
  expect(await sfn.send(new DescribeExecutionCommand({ executionArn: first.executionArn }))).toMatchObject({ status: 'ABORTED', error: 'Withdrawn' });
  await expect(sfn.send(new DescribeExecutionCommand({ executionArn: `${first.executionArn}-nope` }))).rejects.toBeInstanceOf(ExecutionDoesNotExist);
});

test('SendTaskHeartbeat, SendTaskSuccess and SendTaskFailure reach the callback; bad tokens raise the SDK exceptions', async () => {
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'case-2', input: JSON.stringify({ caseId: 'c2' }) }));
  await engine.waitForIdle();
  const token = tokens.at(-1)!;
  await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
  await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ action: 'registered' }) }));
  await engine.waitForIdle();
  await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(TaskDoesNotExist);
  await expect(sfn.send(new SendTaskFailureCommand({ taskToken: 'forged', error: 'X' }))).rejects.toBeInstanceOf(InvalidToken);

  const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
  expect(history.events![0]).toMatchObject({ id: 1, type: 'ExecutionStarted', timestamp: new Date(at(1)) }); // the clock moved a minute in the test before
  expect(history.events!.map((e) => e.stateEnteredEventDetails?.name)).toEqual(expect.arrayContaining(['Deadlines', 'Race', 'Work', 'Decode', 'Until close']));

  const second = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'case-3', input: JSON.stringify({ caseId: 'c3' }) }));
  await engine.waitForIdle();
  await sfn.send(new SendTaskFailureCommand({ taskToken: tokens.at(-1)!, error: 'Refused', cause: 'no' }));
  await engine.waitForIdle();
  expect(await sfn.send(new DescribeExecutionCommand({ executionArn: second.executionArn }))).toMatchObject({ status: 'FAILED', error: 'Refused' });
});

describe('malformed requests get a 4xx that says what to fix', () => {
  const post = (target: string | undefined, body: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', ...(target ? { 'x-amz-target': target } : {}) }, body });

  test.each([
    ['an unknown operation', 'AWSStepFunctions.DeleteStateMachine', '{}', 'UnknownOperationException'],
    ['no target', undefined, '{}', 'UnknownOperationException'],
    ['a body that is not JSON', 'AWSStepFunctions.StartExecution', '{nope', 'SerializationException'],
    ['a body that is not an object', 'AWSStepFunctions.StartExecution', '[1]', 'SerializationException'],
    ['a missing required member', 'AWSStepFunctions.StartExecution', '{}', 'ValidationException'],
    ['a member of the wrong type', 'AWSStepFunctions.SendTaskSuccess', '{"taskToken":"t","output":{}}', 'ValidationException'],
    ['an unknown state machine', 'AWSStepFunctions.StartExecution', '{"stateMachineArn":"arn:aws:states:ap-southeast-3:000000000000:stateMachine:none"}', 'StateMachineDoesNotExist'],
  ])('%s', async (_what, target, body, type) => {
    const res = await post(target, body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    const answer = (await res.json()) as { __type: string; message: string };
    expect(answer.__type).toBe(type);
    expect(answer.message.length).toBeGreaterThan(0);
  });

  test('an input over 256 KiB is refused', async () => {
    const res = await post('AWSStepFunctions.StartExecution', JSON.stringify({ stateMachineArn, name: 'big', input: JSON.stringify({ x: 'a'.repeat(300 * 1024) }) }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: 'ValidationException' });
  });
});
