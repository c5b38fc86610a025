/** The SOPs' state machines' physical names, known before (or without) the machines themselves. */
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Naming } from '../naming';

/** `tanggap-<stage>-<sopId>`. */
export const stateMachineName = (naming: Naming, sopId: string) => naming.name(sopId);

const names = new WeakMap<IStateMachine, string>();

/** Records the physical name of a machine referred to by name. */
export function rememberStateMachineName(machine: IStateMachine, name: string): IStateMachine {
  names.set(machine, name);
  return machine;
}

/** The physical name of a machine referred to by name (its executions' ARNs contain it). */
export function stateMachineNameOf(machine: IStateMachine): string {
  const name = names.get(machine);
  if (!name) throw new Error('This state machine was not referred to by name (stateMachinesByName)');
  return name;
}
