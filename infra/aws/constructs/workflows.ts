/** One Standard state machine per SOP, from its generated, committed ASL. */
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { join } from 'node:path';
import type { Sop } from '../../../shared/sop/schema';
import { WorkflowFunction, type WorkflowFunctionName } from '../../../shared/workflow/contract';
import { Naming } from '../naming';
import { rememberStateMachineName, stateMachineName } from './state-machine-names';
import { REPO_ROOT } from './tanggap-function';

export { stateMachineName };

/**
 * The SOPs' state machines referred to by name (an ARN built from the stack's account and region),
 * not by resource: every handler's configuration names them, the workflow functions included — the
 * outcome function starts successor executions (continue-as-new) — and a reference to the machine
 * resources from those would make a cycle (each machine's definition names them).
 */
export function stateMachinesByName(scope: Construct, sops: readonly Sop[]): Record<string, sfn.IStateMachine> {
  const naming = Naming.of(scope);
  return Object.fromEntries(sops.map((sop) => {
    const name = stateMachineName(naming, sop.id);
    return [sop.id, rememberStateMachineName(sfn.StateMachine.fromStateMachineName(scope, `StateMachineByName-${sop.id}`, name), name)];
  }));
}

export class Workflows extends Construct {
  readonly machines: Record<string, sfn.StateMachine> = {};

  constructor(scope: Construct, id: string, props: { sops: readonly Sop[]; functions: Record<WorkflowFunctionName, IFunction> }) {
    super(scope, id);
    const naming = Naming.of(this);
    // /aws/vendedlogs/: the prefix Step Functions' log delivery may write to without a resource policy per group.
    const logGroup = new logs.LogGroup(this, 'Logs', { logGroupName: `/aws/vendedlogs/states/${naming.name('workflows')}`, retention: logs.RetentionDays.ONE_YEAR });
    const substitutions = Object.fromEntries(Object.entries(WorkflowFunction).map(([name, placeholder]) => [placeholder, props.functions[name as WorkflowFunctionName].functionArn]));
    for (const sop of props.sops) {
      const machine = new sfn.StateMachine(this, sop.id, {
        stateMachineName: stateMachineName(naming, sop.id),
        stateMachineType: sfn.StateMachineType.STANDARD,
        definitionBody: sfn.DefinitionBody.fromFile(join(REPO_ROOT, 'statemachines', `${sop.id}.asl.json`)),
        definitionSubstitutions: substitutions,
        tracingEnabled: true,
        // Execution data carries ids only, but stays out of the logs all the same.
        logs: { destination: logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: false },
      });
      for (const fn of Object.values(props.functions)) fn.grantInvoke(machine);
      this.machines[sop.id] = machine;
    }
  }
}
