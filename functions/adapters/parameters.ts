/**
 * Values read at run time from SSM Parameter Store through Powertools Parameters, cached for a few
 * minutes per container: the public URL when it is the CloudFront domain, and secrets, which SSM
 * returns from Secrets Manager under `/aws/reference/secretsmanager/<name>` (decrypted). Never put
 * in the environment, where the console and `GetFunctionConfiguration` would show them.
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';

/** How long a value is reused before it is read again (a rotated secret is picked up within this). */
const MAX_AGE_SECONDS = 300;

let provider: SSMProvider | undefined;
/**
 * Its own client, not one from clients.ts: that module reads the whole configuration (zod), which
 * the origin-verifying authorizer, also a reader of parameters, has no use for. A function reads a
 * few parameters per container, so the SDK's default connection pool is enough.
 */
const ssm = () => (provider ??= new SSMProvider({ awsSdkV3Client: new SSMClient({}) }));

async function read(name: string, decrypt: boolean): Promise<string> {
  const value = await ssm().get(name, { decrypt, maxAge: MAX_AGE_SECONDS });
  if (typeof value !== 'string' || value === '') throw new Error(`Parameter ${name} is missing or empty`);
  return value;
}

/** A plain String parameter. */
export const readParameter = (name: string) => read(name, false);

/** A SecureString, or a Secrets Manager secret through its `/aws/reference/secretsmanager/` name. */
export const readSecretParameter = (name: string) => read(name, true);
