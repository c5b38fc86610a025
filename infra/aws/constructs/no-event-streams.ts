/**
 * Stands in for `@smithy/core/event-streams` in the Lambda bundles only (an esbuild alias in
 * bundling.ts). The SDK's protocol base class loads it with `await import()` only for an operation
 * whose input or output is an event stream; DynamoDB, SES and Step Functions have none. esbuild
 * cannot leave a dynamic import out of one output file, so the whole event-stream codec (≈ 15 KB,
 * with a JavaScript SHA-256) was in every bundle and never ran. If a client with event streams is
 * ever bundled, its first such call fails here, saying so; test/infra/bundles.test.ts checks that
 * the clients we bundle have no event-stream operation.
 */
const refuse = (): never => {
  throw new Error('Event streams are not bundled for Lambda (infra/aws/constructs/no-event-streams.ts): remove the alias in bundling.ts for a client that uses them');
};

/** The two names `HttpProtocol.loadEventStreamCapability` takes from the real module. */
export const eventStreamSerdeProvider = refuse;
export class EventStreamSerde {
  constructor() {
    refuse();
  }
}
