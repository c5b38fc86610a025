/**
 * Values read at run time: the same handler code reads the public URL and the link secret from the
 * environment (the local runtime) or, named by *_PARAMETER, through Powertools Parameters from SSM
 * (on AWS; the secret through SSM's reference to Secrets Manager, decrypted), once per container.
 * A fake SSM endpoint speaks the JSON protocol the real client uses (AWS_ENDPOINT_URL_SSM).
 * Also the origin-verifying authorizer, which reads its secret the same way. The directory the
 * dependencies carry comes from the table (dynalite here, a directory imported into it).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDirectoryStore } from '../../functions/adapters/dynamo-directory-store';
import { importDirectory } from '../../shared/directory/store';
import { demoCopy } from '../support/directory-fixtures';
import { startDynalite, type TestTable } from '../support/dynalite';

const parameters: Record<string, string> = {
  '/tanggap/t/public-url': 'https://d111111abcdef8.cloudfront.net/',
  '/aws/reference/secretsmanager/tanggap-t/link-secret': 's'.repeat(48),
  '/aws/reference/secretsmanager/tanggap-t/origin-verify': 'origin-secret-value-0123456789',
};
const requests: { name: string; decrypt: boolean }[] = [];
let server: Server;
let table: TestTable;
const saved = { ...process.env };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const { Name, WithDecryption } = JSON.parse(body) as { Name: string; WithDecryption?: boolean };
      requests.push({ name: Name, decrypt: WithDecryption === true });
      const value = parameters[Name];
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (req.headers['x-amz-target'] !== 'AmazonSSM.GetParameter' || value === undefined) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ParameterNotFound', message: `${Name} not found` }));
        return;
      }
      res.end(JSON.stringify({ Parameter: { Name, Value: value, Type: Name.startsWith('/aws/reference/') ? 'SecureString' : 'String', Version: 1 } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  table = await startDynalite('tanggap-t-cases');
  await importDirectory(new DynamoDirectoryStore(table.client, table.tableName), demoCopy(), { loadedBy: 'test', loadedAt: new Date().toISOString() });
});
afterAll(async () => {
  process.env = saved;
  await new Promise((resolve) => server.close(resolve));
  await table.stop();
});
beforeEach(() => { requests.length = 0; });

const base = {
  TABLE_NAME: 'tanggap-t-cases',
  STATE_MACHINES: JSON.stringify({ 'dinkes-muba': 'arn:aws:states:ap-southeast-3:000000000000:stateMachine:tanggap-t-dinkes-muba' }),
  MAIL_FROM: 'noreply@tanggap.example',
  AWS_REGION: 'ap-southeast-3', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test',
};

/** A fresh container: modules loaded anew with this environment. */
function container<T>(env: Record<string, string>, module: string): T {
  process.env = { ...saved, ...base, AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, AWS_ENDPOINT_URL_DYNAMODB: table.endpoint, ...env };
  for (const k of ['PUBLIC_URL', 'PUBLIC_URL_PARAMETER', 'LINK_SECRET', 'LINK_SECRET_PARAMETER'] as const) if (!(k in env)) delete process.env[k];
  let loaded!: T;
  jest.isolateModules(() => { loaded = require(module) as T; });
  return loaded;
}
type DepsModule = typeof import('../../functions/adapters/deps');

test('on AWS: the public URL and the link secret come from SSM (the secret decrypted), once per container', async () => {
  const { dependencies } = container<DepsModule>({ PUBLIC_URL_PARAMETER: '/tanggap/t/public-url', LINK_SECRET_PARAMETER: '/aws/reference/secretsmanager/tanggap-t/link-secret' }, '../../functions/adapters/deps');
  const deps = await dependencies();
  expect(deps.publicUrl).toBe('https://d111111abcdef8.cloudfront.net');
  expect(deps.linkSecret).toBe('s'.repeat(48));
  expect(requests.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
    { name: '/aws/reference/secretsmanager/tanggap-t/link-secret', decrypt: true },
    { name: '/tanggap/t/public-url', decrypt: false },
  ]);
  expect((await dependencies()).publicUrl).toBe(deps.publicUrl);
  expect(requests).toHaveLength(2);
});

test('locally: the same code takes them from the environment and calls no SSM', async () => {
  const { dependencies } = container<DepsModule>({ PUBLIC_URL: 'http://127.0.0.1:3000/', LINK_SECRET: 'l'.repeat(40) }, '../../functions/adapters/deps');
  const deps = await dependencies();
  expect({ url: deps.publicUrl, secret: deps.linkSecret }).toEqual({ url: 'http://127.0.0.1:3000', secret: 'l'.repeat(40) });
  expect(requests).toEqual([]);
});

test('a function granted no link secret builds its dependencies, and fails loudly only if the secret is asked for', async () => {
  const { dependencies } = container<DepsModule>({ PUBLIC_URL: 'https://pengaduan.muba.go.id' }, '../../functions/adapters/deps');
  const deps = await dependencies();
  expect(deps.publicUrl).toBe('https://pengaduan.muba.go.id');
  expect(() => deps.linkSecret).toThrow(/no LINK_SECRET or LINK_SECRET_PARAMETER/);
});

test('a missing parameter fails the build with its name, and the next call tries again', async () => {
  const { dependencies } = container<DepsModule>({ PUBLIC_URL_PARAMETER: '/tanggap/t/nothing-here' }, '../../functions/adapters/deps');
  await expect(dependencies()).rejects.toThrow();
  parameters['/tanggap/t/nothing-here'] = 'https://late.example.go.id';
  try {
    await expect(dependencies()).resolves.toMatchObject({ publicUrl: 'https://late.example.go.id' });
  } finally {
    delete parameters['/tanggap/t/nothing-here'];
  }
});

test.each([
  ['both PUBLIC_URL and PUBLIC_URL_PARAMETER', { PUBLIC_URL: 'https://a.example', PUBLIC_URL_PARAMETER: '/tanggap/t/public-url' }, /exactly one of PUBLIC_URL or PUBLIC_URL_PARAMETER/],
  ['neither', {}, /exactly one of PUBLIC_URL or PUBLIC_URL_PARAMETER/],
  ['both link secrets', { PUBLIC_URL: 'https://a.example', LINK_SECRET: 'k'.repeat(32), LINK_SECRET_PARAMETER: '/aws/reference/secretsmanager/x' }, /at most one of LINK_SECRET or LINK_SECRET_PARAMETER/],
])('configuration with %s is refused, naming what to fix', (_what, env, message) => {
  const { config } = container<typeof import('../../functions/adapters/config')>(env as Record<string, string>, '../../functions/adapters/config');
  expect(() => config()).toThrow(message);
});

describe('the origin-verifying authorizer', () => {
  type Authorizer = typeof import('../../functions/origin-verify/handler');
  const load = () => container<Authorizer>({ ORIGIN_SECRET_PARAMETER: '/aws/reference/secretsmanager/tanggap-t/origin-verify' }, '../../functions/origin-verify/handler');

  test.each([
    ['the secret CloudFront sends', 'origin-secret-value-0123456789', true],
    ['another value of the same length', 'origin-secret-value-0123456780', false],
    ['a prefix of it', 'origin-secret', false],
    ['nothing', undefined, false],
  ])('%s → admitted: %s', async (_what, header, admitted) => {
    const { handler } = load();
    const headers: Record<string, string> = header === undefined ? {} : { 'x-origin-verify': header };
    await expect(handler({ headers })).resolves.toEqual({ isAuthorized: admitted });
    expect(requests).toEqual([{ name: '/aws/reference/secretsmanager/tanggap-t/origin-verify', decrypt: true }]);
  });

  test.each([
    ['missing', {}, /ORIGIN_SECRET_PARAMETER: missing/],
    ['not an SSM name', { ORIGIN_SECRET_PARAMETER: 'tanggap-t/origin-verify' }, /ORIGIN_SECRET_PARAMETER: must be an SSM parameter name/],
  ])('an ORIGIN_SECRET_PARAMETER %s stops it, naming the variable, and asks SSM nothing', async (_what, env, message) => {
    const { handler } = container<Authorizer>(env as Record<string, string>, '../../functions/origin-verify/handler');
    await expect(handler({ headers: { 'x-origin-verify': 'origin-secret-value-0123456789' } })).rejects.toThrow(message);
    expect(requests).toEqual([]);
  });
});
