/**
 * A local engine in a process of its own, for the durability test: `tsx stepfunctions-child.ts <dataDir>`.
 * Commands come as JSON lines on stdin; answers go as JSON lines on stdout. The stub functions are
 * idempotent by slot, as the real workflow handlers are: a re-entered task re-binds its token (the
 * call is logged to calls.jsonl) but mails only once (mail.jsonl).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { VirtualClock } from '../../infra/local/clock';
import { LocalStepFunctions, type Invoker } from '../../infra/local/stepfunctions/engine';
import { raceMachine } from './stepfunctions-machines';

export const CHILD_START = new Date('2026-11-23T02:00:00.000Z');
const at = (minutes: number) => new Date(CHILD_START.getTime() + minutes * 60_000).toISOString();

const dataDir = process.argv[2]!;
const callsFile = join(dataDir, 'calls.jsonl');
const mailFile = join(dataDir, 'mail.jsonl');

/** Sends a "mail" once per slot, whatever the number of calls. */
function mailOnce(slot: string, record: object): void {
  const sent = existsSync(mailFile) ? readFileSync(mailFile, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { slot: string }).slot) : [];
  if (!sent.includes(slot)) appendFileSync(mailFile, `${JSON.stringify({ slot, ...record })}\n`);
}

const clock = new VirtualClock({ file: join(dataDir, 'clock.json'), startAt: CHILD_START, frozen: true });
const invokers: Record<string, Invoker> = {
  // Absolute instants, as the real deadlines handler stores them on the case: a resumed step gets the same ones.
  DeadlinesFunctionArn: async () => ({ remindAt: at(60), dueAt: at(90), rung2At: at(24 * 60), closeAt: at(3 * 24 * 60) }),
  TaskFunctionArn: async (payload) => {
    const { caseId, taskToken } = payload as { caseId: string; taskToken: string };
    appendFileSync(callsFile, `${JSON.stringify({ fn: 'task', caseId, token: taskToken })}\n`);
    mailOnce(`task:${caseId}`, { caseId, template: 'task' });
    return {};
  },
  NotifyFunctionArn: async (payload) => {
    const { caseId, template, level, enteredAt } = payload as { caseId: string; template: string; level: number; enteredAt: string };
    appendFileSync(callsFile, `${JSON.stringify({ fn: 'notify', caseId, template, level })}\n`);
    mailOnce(`${template}:${level}:${caseId}`, { caseId, template, level, enteredAt });
    return {};
  },
};
const engine = new LocalStepFunctions({ clock, invokers, dataDir: join(dataDir, 'sfn') });
clock.settle = () => engine.waitForIdle();
const stateMachineArn = engine.createStateMachine('race', JSON.stringify(raceMachine));

const reply = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);

type Command =
  | { id: number; op: 'start'; name: string; input: object }
  | { id: number; op: 'success'; token: string; output: object }
  | { id: number; op: 'advance'; duration: string }
  | { id: number; op: 'describe'; arn: string }
  | { id: number; op: 'timers' };

async function perform(cmd: Command): Promise<unknown> {
  switch (cmd.op) {
    case 'start': {
      const out = await engine.startExecution({ stateMachineArn, name: cmd.name, input: JSON.stringify(cmd.input) });
      await engine.waitForIdle();
      return out.executionArn;
    }
    case 'success':
      await engine.sendTaskSuccess(cmd.token, JSON.stringify(cmd.output));
      await engine.waitForIdle();
      return null;
    case 'advance':
      return (await clock.advance(cmd.duration)).toISOString();
    case 'describe':
      return engine.describeExecution(cmd.arn).status;
    case 'timers':
      return clock.pendingTimers().map((d) => d.toISOString());
  }
}

void (async () => {
  const { resumed } = engine.resume();
  await engine.waitForIdle();
  reply({ ready: true, resumed });
  createInterface({ input: process.stdin }).on('line', (line) => {
    const cmd = JSON.parse(line) as Command;
    perform(cmd).then(
      (result) => reply({ id: cmd.id, result }),
      (err: unknown) => reply({ id: cmd.id, error: err instanceof Error ? err.name : String(err) }),
    );
  });
})();
