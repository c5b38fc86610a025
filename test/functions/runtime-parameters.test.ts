/**
 * Values read at run time: the same handler code reads the public URL and the link secret from the
 * environment or, named by *_PARAMETER, from SSM through the Parameters and Secrets extension's
 * HTTP API (on AWS a layer; here the local runtime's stand-in, infra/local/parameters.ts, on the port
 * PARAMETERS_SECRETS_EXTENSION_HTTP_PORT names; the secret through SSM's reference to Secrets
 * Manager, decrypted), once per container.
 * Also the origin-verifying authorizer, which reads its secret the same way. The directory the
 * dependencies carry comes from the table (dynalite here, a directory imported into it).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDirectoryStore } from '../../functions/adapters/dynamo-directory-store';
import { importDirectory } from '../../shared/directory/store';
import { demoCopy } from '../support/directory-fixtures';
import { startDynalite, type TestTable } from '../support/dynalite';
import { startLocalParameters } from '../../infra/local/parameters';

const parameters: Record<string, string> = {
  '/tanggap/t/public-url': 'https://d111111abcdef8.cloudfront.net/',
  '/aws/reference/secretsmanager/tanggap-t/link-secret': 's'.repeat(48),
  '/aws/reference/secretsmanager/tanggap-t/origin-verify': 'origin-secret-value-0123456789',
};
const TOKEN = 'session-token-of-this-container';
const requests: { name: string; decrypt: boolean }[] = [];
let server: Server;
let table: TestTable;
const saved = { ...process.env };

beforeAll(async () => {
  // The extension's HTTP API as the local runtime serves it, recording what the handlers ask.
  ({ server } = await startLocalParameters({
    token: TOKEN,
    parameters: () => Object.fromEntries(Object.entries(parameters).map(([name, value]) => [name, { value, secure: name.startsWith('/aws/reference/') }])),
  }));
  server.prependListener('request', (req: IncomingMessage) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push({ name: url.searchParams.get('name') ?? '', decrypt: url.searchParams.get('withDecryption') === 'true' });
  });
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
  AWS_REGION: 'ap-southeast-3', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_SESSION_TOKEN: TOKEN,
};

/** A fresh container: modules loaded anew with this environment. */
function container<T>(env: Record<string, string>, module: string): T {
  process.env = { ...saved, ...base, PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String((server.address() as AddressInfo).port), AWS_ENDPOINT_URL_DYNAMODB: table.endpoint, ...env };
  for (const k of ['PUBLIC_URL', 'PUBLIC_URL_PARAMETER', 'LINK_SECRET', 'LINK_SECRET_PARAMETER'] as const) if (!(k in env)) delete process.env[k];
  let loaded!: T;
  jest.isolateModules(() => { loaded = require(module) as T; });
  return loaded;
}
type DepsModule = typeof import('../../functions/adapters/deps');

test('by parameter: the public URL and the link secret come from SSM (the secret decrypted), once per container', async () => {
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

test('by value: the same code takes them from the environment and calls no SSM', async () => {
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

test('the SOPs only for a function that names them: one that does not is told which to add at the first use', async () => {
  const { dependencies, bundledSops } = container<DepsModule>({ PUBLIC_URL: 'https://pengaduan.muba.go.id' }, '../../functions/adapters/deps');
  const without = await dependencies();
  expect(() => without.getSop('perpustakaan-muba')).toThrow('This function was not given the SOPs: add `sops: bundledSops` to its dependencies() call (asked for "perpustakaan-muba")');
  const named = await dependencies({ sops: bundledSops });
  expect(named.getSop('perpustakaan-muba').id).toBe('perpustakaan-muba');
  // Per call: the container's next call without them is refused again.
  const again = await dependencies();
  expect(() => again.getSop('perpustakaan-muba')).toThrow(/not given the SOPs/);
});

test('a reading function (readingDependencies) reads cases and tasks, refuses a write naming it, and the same container still gives dependencies() the writer', async () => {
  const { dependencies, readingDependencies } = container<DepsModule>({ PUBLIC_URL: 'https://pengaduan.muba.go.id' }, '../../functions/adapters/deps');
  const reading = await readingDependencies();
  expect(await reading.store.getCase('no-such-case')).toBeUndefined();
  expect(await reading.store.getCaseByTrackingId('MUBA-0000-0000')).toBeUndefined();
  expect(await reading.store.listEvents('no-such-case')).toEqual([]);
  expect(await reading.store.getTaskLink('0'.repeat(64))).toBeUndefined();
  await expect(reading.store.appendEvent({ caseId: 'c1', type: 'submitted', at: new Date().toISOString(), actor: 'system' } as never)).rejects.toThrow('This function was given the case store\'s reads only (readingDependencies): call dependencies() to use appendEvent');
  await expect(reading.store.claimOnce('c1', 'k')).rejects.toThrow(/reads only .* claimOnce/);
  // The local runtime hosts every handler in one process: a writer's call after a reader's gets the writer.
  const writing = await dependencies();
  await expect(writing.store.claimOnce('c1', 'k')).resolves.toBe(true);
  expect(await writing.store.claimOnce('c1', 'k')).toBe(false);
  expect(reading.store).not.toBe(writing.store);
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

describe('reading through the extension', () => {
  type ParametersModule = typeof import('../../functions/adapters/parameters');
  const fresh = (env: Record<string, string> = {}) => container<ParametersModule>(env, '../../functions/adapters/parameters');

  test('a name with characters that need escaping reaches the extension exactly', async () => {
    const name = '/tanggap/t/a name&with=odd?chars/ü';
    parameters[name] = 'value with "quotes", \\ and 🙂';
    try {
      await expect(fresh().readParameter(name)).resolves.toBe('value with "quotes", \\ and 🙂');
      expect(requests).toEqual([{ name, decrypt: false }]);
    } finally {
      delete parameters[name];
    }
  });

  test('a wrong session token is refused by the extension, and the error says what failed without a value', async () => {
    const read = fresh({ AWS_SESSION_TOKEN: 'another-token' }).readSecretParameter('/aws/reference/secretsmanager/tanggap-t/link-secret');
    await expect(read).rejects.toThrow(/Parameter \/aws\/reference\/secretsmanager\/tanggap-t\/link-secret could not be read: HTTP 401/);
    await expect(read).rejects.not.toThrow(/ssss/);
  });

  test('without AWS_SESSION_TOKEN nothing is asked, and the error names the variable', async () => {
    const env = fresh();
    delete process.env.AWS_SESSION_TOKEN;
    await expect(env.readParameter('/tanggap/t/public-url')).rejects.toThrow(/AWS_SESSION_TOKEN is not set/);
    expect(requests).toEqual([]);
  });

  test('an empty value is refused as missing', async () => {
    parameters['/tanggap/t/empty'] = '';
    try {
      await expect(fresh().readParameter('/tanggap/t/empty')).rejects.toThrow('Parameter /tanggap/t/empty is missing or empty');
    } finally {
      delete parameters['/tanggap/t/empty'];
    }
  });

  test('a value is reused for 300 s, then read again', async () => {
    const { readParameter } = fresh();
    const start = Date.now();
    const now = jest.spyOn(Date, 'now').mockReturnValue(start);
    try {
      await readParameter('/tanggap/t/public-url');
      now.mockReturnValue(start + 299_000);
      await readParameter('/tanggap/t/public-url');
      expect(requests).toHaveLength(1);
      now.mockReturnValue(start + 301_000);
      await readParameter('/tanggap/t/public-url');
      expect(requests).toHaveLength(2);
    } finally {
      now.mockRestore();
    }
  });

  test('an extension that does not answer fails within the time-out', async () => {
    const { createServer } = jest.requireActual<typeof import('node:http')>('node:http');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { readParameter } = fresh({ PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String((silent.address() as AddressInfo).port) });
      const started = Date.now();
      await expect(readParameter('/tanggap/t/public-url')).rejects.toThrow(/could not be read: no answer within 3000 ms/);
      expect(Date.now() - started).toBeLessThan(4_500);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 10_000);

  test('an extension not yet listening is asked again, with backoff', async () => {
    const { createServer } = jest.requireActual<typeof import('node:http')>('node:http');
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    // Nothing listens on the port at the first attempt; the stand-in starts there a moment later.
    const { readParameter } = fresh({ PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port) });
    const late = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Parameter: { Name: '/tanggap/t/public-url', Value: 'https://late.example' } }));
    });
    setTimeout(() => late.listen(port, '127.0.0.1'), 100);
    try {
      await expect(readParameter('/tanggap/t/public-url')).resolves.toBe('https://late.example');
    } finally {
      await new Promise((resolve) => late.close(resolve));
    }
  });
});
