/** asl-validator 4 ships no types: the part we use. */
declare module 'asl-validator' {
  interface AslValidationResult {
    isValid: boolean;
    errors: { 'Error code': string; Message: string }[];
  }
  function aslValidator(definition: unknown): AslValidationResult;
  export = aslValidator;
}
