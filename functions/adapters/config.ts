/**
 * Configuration, read once at cold start from the environment and validated; a missing or malformed
 * variable stops the function with a message that names it. Nothing else reads process.env.
 * AWS endpoints are not configuration here: the SDK reads AWS_ENDPOINT_URL_DYNAMODB/_SES/_SFN itself,
 * which is how the local runtime points the same handlers at its stand-ins.
 */
import * as z from 'zod/mini';
import '../../shared/zod-locale';
import { parseFaults } from './faults';

const Config = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  /** JSON object: SOP id → state machine ARN. */
  STATE_MACHINES: z.pipe(z.string(), z.transform((text, ctx) => {
    try {
      return z.record(z.string(), z.string().check(z.startsWith('arn:'))).parse(JSON.parse(text));
    } catch {
      ctx.issues.push({ code: 'custom', message: 'must be a JSON object of SOP id to state machine ARN', input: text });
      return z.NEVER;
    }
  })),
  MAIL_FROM: z.email(),
  /** The public base URL of the service, for links in emails (no trailing slash)… */
  PUBLIC_URL: z.optional(z.pipe(z.url(), z.transform((u) => u.replace(/\/+$/, '')))),
  /** …or the SSM parameter holding it, read at run time (on AWS without a custom domain: the CloudFront domain). */
  PUBLIC_URL_PARAMETER: z.optional(z.string().check(z.startsWith('/'))),
  /** The attachments bucket (functions that handle files); its endpoint, like the others, from AWS_ENDPOINT_URL_S3 locally. */
  FILES_BUCKET: z.optional(z.string().check(z.minLength(3))),
  /** The file store's region and endpoint (s3-file-store.ts has no SDK client to read them), also the upload origin in the form page's CSP. */
  AWS_REGION: z.optional(z.string()),
  AWS_ENDPOINT_URL_S3: z.optional(z.url()),
  /** Secret for CSRF tokens of task pages (at least 32 characters)… */
  LINK_SECRET: z.optional(z.string().check(z.minLength(32))),
  /** …or the SSM name it is read from at run time (on AWS: SSM's reference to a Secrets Manager secret). */
  LINK_SECRET_PARAMETER: z.optional(z.string().check(z.startsWith('/'))),
  /**
   * How long a function trusts the directory it read from the table before reading the pointer
   * again: an import takes effect within this time. 0 reads it on every call.
   */
  DIRECTORY_CACHE_SECONDS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(3600)), 60),
  /**
   * Where the operational counters go: CloudWatch (EMF lines, functions/adapters/metrics.ts) on AWS, a log line on the
   * local runtime, which has no CloudWatch.
   */
  METRICS: z._default(z.enum(['cloudwatch', 'log']), 'cloudwatch'),
  /** The deployment stage: a dimension of every metric, so two stages in one account keep apart. */
  STAGE: z._default(z.string().check(z.regex(/^[a-z][a-z0-9-]*$/)), 'default'),
  /**
   * Chaos tests only: the share of each AWS client's calls that fail with the service's throttling
   * error, e.g. `dynamodb:0.2,ses:0.2` (services: dynamodb, ses, sfn). Unset or empty: none.
   */
  FAULTS: z.pipe(z.optional(z.string()), z.transform((text, ctx) => {
    const parsed = parseFaults(text ?? '');
    if ('rates' in parsed) return parsed.rates;
    for (const problem of parsed.problems) ctx.issues.push({ code: 'custom', message: problem, input: text });
    return z.NEVER;
  })),
}).check(z.superRefine((c, ctx) => {
  // One way for each value: the handlers read both through the same code (adapters/deps.ts).
  if (!c.PUBLIC_URL === !c.PUBLIC_URL_PARAMETER) ctx.addIssue({ code: 'custom', path: ['PUBLIC_URL'], message: 'give exactly one of PUBLIC_URL or PUBLIC_URL_PARAMETER' });
  if (c.LINK_SECRET && c.LINK_SECRET_PARAMETER) ctx.addIssue({ code: 'custom', path: ['LINK_SECRET'], message: 'give at most one of LINK_SECRET or LINK_SECRET_PARAMETER' });
}));
export type Config = z.infer<typeof Config>;

let cached: Config | undefined;

/** The configuration (parsed on first use, then cached for the container's life). */
export function config(): Config {
  if (cached) return cached;
  const parsed = Config.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  cached = parsed.data;
  return cached;
}
