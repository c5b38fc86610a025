/**
 * A stand-in for the AWS Parameters and Secrets Lambda Extension's HTTP API, which the handlers call
 * for parameters and secrets (functions/adapters/parameters.ts): `GET /systemsmanager/parameters/get
 * ?name=<name>&withDecryption=true`, admitted only with the caller's session token in
 * `X-Aws-Parameters-Secrets-Token`, answered with SSM's GetParameter result. The runtime names its
 * port in PARAMETERS_SECRETS_EXTENSION_HTTP_PORT, as the layer's configuration does on Lambda.
 * A SecureString (and a Secrets Manager reference) read without `withDecryption` is refused, as SSM
 * refuses to return it in clear. Bound to 127.0.0.1.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalParameter {
  value: string;
  /** SecureString (and `/aws/reference/secretsmanager/…`): returned only with withDecryption=true. */
  secure?: boolean;
}

export interface LocalParametersOptions {
  /** The session token callers must present (the runtime's AWS_SESSION_TOKEN). */
  token: string;
  /** Read on every request, so a parameter set after start is served at once. */
  parameters: () => Record<string, LocalParameter>;
}

const answer = (status: number, body: unknown) => ({ status, text: typeof body === 'string' ? body : JSON.stringify(body) });

/** The answer to one request (exported for tests of the API's edges). */
export function parametersAnswer(method: string, target: string, token: string | undefined, o: LocalParametersOptions): { status: number; text: string } {
  const expected = Buffer.from(o.token);
  const given = Buffer.from(token ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return answer(401, 'Unauthorized: X-Aws-Parameters-Secrets-Token is missing or wrong');
  const url = new URL(target, 'http://localhost');
  if (method !== 'GET' || url.pathname !== '/systemsmanager/parameters/get') return answer(404, 'Not found: GET /systemsmanager/parameters/get?name=<name>');
  const name = url.searchParams.get('name');
  if (!name) return answer(400, 'name is required');
  const decrypt = url.searchParams.get('withDecryption') === 'true';
  const found = o.parameters()[name];
  if (!found) return answer(400, `ParameterNotFound: ${name}`);
  if (found.secure && !decrypt && name.startsWith('/aws/reference/secretsmanager/')) return answer(400, 'ValidationException: WithDecryption flag must be True for retrieving a Secret Manager secret.');
  const value = found.secure && !decrypt ? Buffer.from(found.value).toString('base64') : found.value;
  return answer(200, {
    Parameter: { Name: name, Type: found.secure ? 'SecureString' : 'String', Value: value, Version: 1, ARN: `arn:aws:ssm:local:000000000000:parameter${name.startsWith('/') ? '' : '/'}${name}`, DataType: 'text' },
    ResultMetadata: {},
  });
}

/** Starts the stand-in on 127.0.0.1 (a free port). */
export async function startLocalParameters(o: LocalParametersOptions): Promise<{ port: number; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    const { status, text } = parametersAnswer(req.method ?? 'GET', req.url ?? '/', req.headers['x-aws-parameters-secrets-token'] as string | undefined, o);
    res.writeHead(status, { 'content-type': status === 200 ? 'application/json' : 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  return { port: (server.address() as AddressInfo).port, server };
}
