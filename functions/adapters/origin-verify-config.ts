/**
 * The configuration of the API's origin-verifying authorizer (functions/origin-verify): one
 * variable, checked by hand rather than with zod. The authorizer runs on every API request whose
 * answer API Gateway has not cached, so its cold start matters most, and zod (≈95 KB of its bundle
 * and its schema construction at import) was there for this single check.
 */

export interface OriginVerifyConfig {
  /** The SSM name of the secret CloudFront sends as the origin header (SSM's reference to a Secrets Manager secret). */
  ORIGIN_SECRET_PARAMETER: string;
}

let cached: OriginVerifyConfig | undefined;

/** The authorizer's configuration, read from the environment once; a bad value stops it with the variable's name. */
export function originVerifyConfig(env: NodeJS.ProcessEnv = process.env): OriginVerifyConfig {
  if (cached) return cached;
  const name = env.ORIGIN_SECRET_PARAMETER;
  if (typeof name !== 'string' || !name.startsWith('/')) {
    throw new Error(`Invalid configuration: ORIGIN_SECRET_PARAMETER: ${name === undefined ? 'missing' : 'must be an SSM parameter name starting with "/"'}`);
  }
  cached = { ORIGIN_SECRET_PARAMETER: name };
  return cached;
}
