/**
 * The reports' review chains (`reports[].review` of the SOPs): one Standard state machine per
 * reviewed report, from its generated, committed ASL (statemachines/report-review.ts), invoking the
 * report function. Referred to by name from the functions (the report function starts them, the task
 * function answers their task tokens), as the SOPs' machines are, so no reference makes a cycle.
 */
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { join } from 'node:path';
import type { Sop } from '../../../shared/sop/schema';
import { REVIEW_FUNCTION_PLACEHOLDER, reviewMachineKey } from '../../../shared/workflow/review-contract';
import { reviewedReports } from '../../../statemachines/report-review';
import { Naming } from '../naming';
import { rememberStateMachineName, stateMachineName } from './state-machine-names';
import { REPO_ROOT } from './tanggap-function';

/** `<sopId>-<reportId>-review`: the machine's id in the stage's names. */
const machineId = (sopId: string, reportId: string) => `${sopId}-${reportId}-review`;

/** The review machines by name, keyed as STATE_MACHINES names them (`<sopId>.<reportId>.review`). */
export function reviewMachinesByName(scope: Construct, sops: readonly Sop[]): Record<string, sfn.IStateMachine> {
  const naming = Naming.of(scope);
  return Object.fromEntries(reviewedReports(sops).map(({ sop, report }) => {
    const name = stateMachineName(naming, machineId(sop.id, report.id));
    return [reviewMachineKey(sop.id, report.id), rememberStateMachineName(sfn.StateMachine.fromStateMachineName(scope, `ReviewMachineByName-${sop.id}-${report.id}`, name), name)];
  }));
}

export class ReportReviews extends Construct {
  readonly machines: Record<string, sfn.StateMachine> = {};

  constructor(scope: Construct, id: string, props: { sops: readonly Sop[]; reportFunction: IFunction }) {
    super(scope, id);
    const naming = Naming.of(this);
    const reviewed = reviewedReports(props.sops);
    if (!reviewed.length) return;
    const logGroup = new logs.LogGroup(this, 'Logs', { logGroupName: `/aws/vendedlogs/states/${naming.name('report-reviews')}`, retention: logs.RetentionDays.ONE_YEAR });
    for (const { sop, report, stem } of reviewed) {
      const machine = new sfn.StateMachine(this, machineId(sop.id, report.id), {
        stateMachineName: stateMachineName(naming, machineId(sop.id, report.id)),
        stateMachineType: sfn.StateMachineType.STANDARD,
        definitionBody: sfn.DefinitionBody.fromFile(join(REPO_ROOT, 'statemachines', `${stem}.asl.json`)),
        definitionSubstitutions: { [REVIEW_FUNCTION_PLACEHOLDER]: props.reportFunction.functionArn },
        tracingEnabled: true,
        // Execution data carries ids and instants only, but stays out of the logs all the same.
        logs: { destination: logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: false },
      });
      props.reportFunction.grantInvoke(machine);
      this.machines[machineId(sop.id, report.id)] = machine;
    }
  }
}
