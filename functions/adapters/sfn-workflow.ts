/** The Workflow port over Step Functions. */
import {
  DescribeExecutionCommand, ExecutionAlreadyExists, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand, type SFNClient,
} from '@aws-sdk/client-sfn';
import type { Workflow } from '../../shared/ports';

/** The ARN an execution of `stateMachineArn` named `name` has (AWS derives it; it is not returned on refusal). */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

export class SfnWorkflow implements Workflow {
  constructor(private readonly client: SFNClient, private readonly stateMachines: Record<string, string>) {}

  /**
   * Starts an execution named `name`, idempotently. AWS answers a repeat with the same name and
   * input with the running execution, but refuses it (ExecutionAlreadyExists) once that execution
   * has ended: then the execution is looked up, and the same input still counts as success.
   */
  async start(sopId: string, name: string, input: unknown): Promise<{ executionArn: string }> {
    const stateMachineArn = this.stateMachines[sopId];
    if (!stateMachineArn) throw new Error(`No state machine is configured for SOP ${sopId}`);
    const text = JSON.stringify(input);
    try {
      const out = await this.client.send(new StartExecutionCommand({ stateMachineArn, name, input: text }));
      return { executionArn: out.executionArn! };
    } catch (err) {
      if (!(err instanceof ExecutionAlreadyExists)) throw err;
      const executionArn = executionArnOf(stateMachineArn, name);
      const existing = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      if (existing.input !== undefined && sameJson(existing.input, text)) return { executionArn };
      // Same name, another input: a bug, not a retry.
      throw new Error(`Execution ${name} exists with another input`);
    }
  }

  async taskSucceeded(taskToken: string, output: unknown): Promise<void> {
    await this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  }

  async taskFailed(taskToken: string, error: string, cause: string): Promise<void> {
    await this.client.send(new SendTaskFailureCommand({ taskToken, error, cause }));
  }
}

/** Equal JSON documents whatever the key order or spacing. */
function sameJson(a: string, b: string): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical)
      : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, x]) => [k, canonical(x)]))
        : v;
  try {
    return JSON.stringify(canonical(JSON.parse(a))) === JSON.stringify(canonical(JSON.parse(b)));
  } catch {
    return false;
  }
}
