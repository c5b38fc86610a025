/**
 * Physical names that depend on the stage (`-c stage=<name>`), in ONE place: the CDK app names
 * the resources with these functions, and the tools that reach a deployed stage from outside
 * (`npm run directory -- … --stage <name>`) find them with the same functions.
 */

/** A stage name: lower-case letters, digits and hyphens, starting with a letter; short enough for every AWS name limit. */
export const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,11}$/;

/** Throws a message that says what a stage name may be. */
export function assertStage(stage: string): string {
  if (!STAGE_PATTERN.test(stage)) {
    throw new RangeError(`The stage "${stage}" is not a valid name: use 1 to 12 lower-case letters, digits or hyphens, starting with a letter (e.g. prod, staging).`);
  }
  return stage;
}

/** Every physical name of a stage starts with this (infra/aws/naming.ts builds on it). */
export function stagePrefix(stage: string): string {
  return `tanggap-${assertStage(stage)}`;
}

/** The DynamoDB table of a stage: `tanggap-<stage>-cases` (the CDK app's Data construct names it so). */
export function tableName(stage: string): string {
  return `${stagePrefix(stage)}-cases`;
}
