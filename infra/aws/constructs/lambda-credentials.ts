/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles only (an esbuild alias in
 * bundling.ts): Lambda always hands a function its role's credentials in the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), so the rest of the default chain
 * (SSO, ini files, web identity, the instance metadata service, and the STS/SSO clients they carry)
 * is ~90 KB of bundle and init that never runs there. Tests and the local runtime keep the full chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/** The signature the clients' runtime config calls: `defaultProvider(init)` → a credential provider. */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]): AwsCredentialIdentityProvider => fromEnv(init);
