/**
 * Physical names: every name a resource has in the account starts with `tanggap-<stage>`, so a
 * staging copy and production coexist in one account, and an operator reading an alarm email or a
 * console list knows which stage it is. Explicit names rather than CloudFormation's generated ones:
 * alarm subjects, log groups and the dashboard are read by people.
 */
import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { stagePrefix } from './names';

export class Naming {
  readonly prefix: string;

  constructor(readonly stage: string) {
    this.prefix = stagePrefix(stage);
  }

  /** `tanggap-<stage>-<parts…>`, e.g. `tanggap-prod-http-intake`. */
  name(...parts: string[]): string {
    return [this.prefix, ...parts].join('-');
  }

  /** A path-style name: `/tanggap/<stage>/<parts…>` (SSM parameters). */
  path(...parts: string[]): string {
    return `/${['tanggap', this.stage, ...parts].join('/')}`;
  }

  private static readonly byStack = new WeakMap<Stack, Naming>();

  /** Attaches the naming of a stack (done once by each stack). */
  static attach(stack: Stack, naming: Naming): Naming {
    Naming.byStack.set(stack, naming);
    return naming;
  }

  /** The naming of the stack a construct is in. */
  static of(scope: IConstruct): Naming {
    const naming = Naming.byStack.get(Stack.of(scope));
    if (!naming) throw new Error(`Stack ${Stack.of(scope).stackName} has no Naming attached`);
    return naming;
  }
}
