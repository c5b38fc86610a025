/**
 * Configuration, read once at cold start from the environment and validated; a missing or malformed
 * variable stops the function with a message that names it. Nothing else reads process.env.
 * AWS endpoints are not configuration here: the SDK reads AWS_ENDPOINT_URL_DYNAMODB/_SES/_SFN itself,
 * which is how the local runtime points the same handlers at its stand-ins.
 */
import * as z from 'zod';

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
  /**
   * How long a function trusts the directory it read from the table before reading the pointer
   * again: an import takes effect within this time. 0 reads it on every call.
   */
  DIRECTORY_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
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
