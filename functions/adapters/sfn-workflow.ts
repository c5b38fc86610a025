/** The Workflow port over Step Functions. */
import { ExecutionAlreadyExists, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { Workflow } from '../../shared/ports';

export class SfnWorkflow implements Workflow {
  constructor(private readonly client: SFNClient, private readonly stateMachines: Record<string, string>) {}

  async start(sopId: string, name: string, input: unknown): Promise<{ executionArn: string }> {
    const stateMachineArn = this.stateMachines[sopId];
    if (!stateMachineArn) throw new Error(`No state machine is configured for SOP ${sopId}`);
    try {
      const out = await this.client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      return { executionArn: out.executionArn! };
    } catch (err) {
      // Same name, different input: a bug, not a retry. (Same name and input returns the execution.)
      if (err instanceof ExecutionAlreadyExists) throw new Error(`Execution ${name} exists with another input`);
      throw err;
    }
  }

  async taskSucceeded(taskToken: string, output: unknown): Promise<void> {
    await this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  }

  async taskFailed(taskToken: string, error: string, cause: string): Promise<void> {
    await this.client.send(new SendTaskFailureCommand({ taskToken, error, cause }));
  }
}
