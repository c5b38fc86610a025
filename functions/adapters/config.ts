/**
 * Configuration, read once at cold start from the environment and validated; a missing or malformed
 * variable stops the function with a message that names it. Nothing else reads process.env.
 * AWS endpoints are not configuration here: the SDK reads AWS_ENDPOINT_URL_DYNAMODB/_SES/_SFN itself,
 * which is how the local runtime points the same handlers at its stand-ins.
 */
import { z } from 'zod';
import { parseFaults } from './faults';

const Config = z.object({
  TABLE_NAME: z.string().min(1),
  /** JSON object: SOP id → state machine ARN. */
  STATE_MACHINES: z.string().transform((text, ctx) => {
    try {
      return z.record(z.string(), z.string().startsWith('arn:')).parse(JSON.parse(text));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of SOP id to state machine ARN' });
      return z.NEVER;
    }
  }),
  MAIL_FROM: z.email(),
  /** The public base URL of the service, for links in emails (no trailing slash). */
  PUBLIC_URL: z.url().transform((u) => u.replace(/\/+$/, '')),
  /** Secret for CSRF tokens of task pages (at least 32 characters). */
  LINK_SECRET: z.string().min(32),
  /** Optional path of a directory JSON replacing the demo directory. */
  DIRECTORY_FILE: z.string().optional(),
  /**
   * Chaos tests only: the share of each AWS client's calls that fail with the service's throttling
   * error, e.g. `dynamodb:0.2,ses:0.2` (services: dynamodb, ses, sfn). Unset or empty: none.
   */
  FAULTS: z.string().optional().transform((text, ctx) => {
    const parsed = parseFaults(text ?? '');
    if ('rates' in parsed) return parsed.rates;
    for (const problem of parsed.problems) ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  }),
});
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
