/**
 * Injected faults, for chaos tests on any deployment (the local runtime or a stage on AWS): with
 * `FAULTS=dynamodb:0.2,ses:0.2` (parsed by the configuration schema), that share of the calls of each
 * AWS client fails with the service's own throttling error before the request leaves — what DynamoDB
 * and SES answer a caller that goes too fast, without doing anything. The middleware sits inside the
 * SDK's retry loop, so the SDK retries each fault with its backoff as it would a real throttle; what
 * still fails reaches the handlers as it would in production. Unset or empty: no middleware at all.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SESClient } from '@aws-sdk/client-ses';
import type { SFNClient } from '@aws-sdk/client-sfn';

export const FAULT_SERVICES = ['dynamodb', 'ses', 'sfn'] as const;
export type FaultService = (typeof FAULT_SERVICES)[number];
/** Share (0..1) of each client's calls that fail. */
export type FaultRates = Partial<Record<FaultService, number>>;

/** The error each service returns when it throttles a caller (names the SDK's retry strategy treats as throttling). */
const THROTTLE: Record<FaultService, string> = {
  dynamodb: 'ProvisionedThroughputExceededException',
  ses: 'Throttling',
  sfn: 'ThrottlingException',
};

/**
 * Parses `service:rate,…` (e.g. `dynamodb:0.2,ses:0.2`); returns the rates, or the problems found
 * (an unknown service, a rate outside 0..1, a service named twice).
 */
export function parseFaults(text: string): { rates: FaultRates } | { problems: string[] } {
  const rates: FaultRates = {};
  const problems: string[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z]+):(\d+(?:\.\d+)?)$/.exec(part);
    const service = m?.[1] as FaultService | undefined;
    const rate = m ? Number(m[2]) : NaN;
    if (!m || !FAULT_SERVICES.includes(service!)) problems.push(`"${part}": use <service>:<rate> with a service among ${FAULT_SERVICES.join(', ')}`);
    else if (!(rate >= 0 && rate <= 1)) problems.push(`"${part}": the rate is a share between 0 and 1`);
    else if (rates[service!] !== undefined) problems.push(`"${part}": ${service} is named twice`);
    else rates[service!] = rate;
  }
  return problems.length ? { problems } : { rates };
}

/** The throttling error a service would answer, as the SDK shapes a service error. */
export function throttle(service: FaultService, operation: string): Error {
  return Object.assign(new Error(`Injected fault (FAULTS): ${service} throttled ${operation}`), {
    name: THROTTLE[service],
    $fault: 'client' as const,
    $retryable: { throttling: true },
    $metadata: { httpStatusCode: 400 },
  });
}

type AnyClient = DynamoDBClient | SESClient | SFNClient;

/** Faults injected so far in this container, per service: a chaos test can tell that they happened. */
export const injectedFaults: Record<FaultService, number> = { dynamodb: 0, ses: 0, sfn: 0 };

/**
 * Makes `rate` of the client's calls fail with the service's throttling error. At the end of the
 * `finalizeRequest` step, below the SDK's retry middleware (same step, high priority): each attempt
 * draws again, and the SDK retries with its backoff.
 */
export function injectFaults<T extends AnyClient>(client: T, service: FaultService, rate: number, random: () => number = Math.random): T {
  if (!(rate > 0)) return client;
  (client.middlewareStack as unknown as { add: (mw: unknown, options: unknown) => void }).add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      if (random() < rate) {
        injectedFaults[service]++;
        throw throttle(service, context.commandName ?? 'a call');
      }
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'tanggapInjectedFaults', tags: ['FAULTS'] },
  );
  return client;
}
