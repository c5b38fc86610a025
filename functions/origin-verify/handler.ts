/**
 * The HTTP API's authorizer: lets a request through only when it carries the secret CloudFront adds
 * as an origin header, so nobody reaches the API around the WAF. API Gateway caches the answer per
 * header value for a few minutes; a request without the header never reaches this function.
 * Headers are never logged: the value is the secret.
 */
import { timingSafeEqual } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { originVerifyConfig } from '../adapters/origin-verify-config';
import { readSecretParameter } from '../adapters/parameters';
import { ORIGIN_VERIFY_HEADER } from './header';

export async function handler(event: Pick<APIGatewayRequestAuthorizerEventV2, 'headers'>): Promise<{ isAuthorized: boolean }> {
  const expected = Buffer.from(await readSecretParameter(originVerifyConfig().ORIGIN_SECRET_PARAMETER), 'utf8');
  const given = Buffer.from(event.headers?.[ORIGIN_VERIFY_HEADER] ?? '', 'utf8');
  return { isAuthorized: given.length === expected.length && timingSafeEqual(given, expected) };
}
