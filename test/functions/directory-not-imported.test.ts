/**
 * The functions as Lambda runs them, on a table where no directory was imported yet (a first
 * deployment): a clear 503 that names what to do, logged; after an import the very next call is
 * served, and a later import is what the functions use, without a rebuild.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DynamoDirectoryStore } from '../../functions/adapters/dynamo-directory-store';
import { importDirectory } from '../../shared/directory/store';
import { demoCopy } from '../support/directory-fixtures';
import { startDynalite, type TestTable } from '../support/dynalite';
import { captureLogs } from '../support/logs';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
let table: TestTable;
let agencies: Handler;
let pages: Handler;
let logs: ReturnType<typeof captureLogs>;
const savedEnv = { ...process.env };

beforeAll(async () => {
  table = await startDynalite('tanggap-first-deploy');
  Object.assign(process.env, {
    TABLE_NAME: table.tableName,
    STATE_MACHINES: JSON.stringify({ 'dinkes-muba': 'arn:aws:states:ap-southeast-3:000000000000:stateMachine:dinkes-muba' }),
    MAIL_FROM: 'noreply@tanggap.example', PUBLIC_URL: 'https://tanggap.example', LINK_SECRET: 'x'.repeat(40),
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint, AWS_REGION: 'ap-southeast-3', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test',
    DIRECTORY_CACHE_SECONDS: '0', POWERTOOLS_LOG_LEVEL: 'INFO',
  });
  logs = captureLogs();
  agencies = (await import('../../functions/agencies/handler')).handler as unknown as Handler;
  pages = (await import('../../functions/pages/handler')).handler as unknown as Handler;
});
afterAll(async () => {
  logs.restore();
  process.env = savedEnv;
  await table.stop();
});

const get = (handler: Handler, path: string, headers: Record<string, string> = {}) => handler({
  version: '2.0', routeKey: `GET ${path}`, rawPath: path, rawQueryString: '', headers,
  requestContext: { http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' }, timeEpoch: Date.now(), requestId: 'r1' } as APIGatewayProxyEventV2['requestContext'],
  isBase64Encoded: false,
} as APIGatewayProxyEventV2, { functionName: 'tanggap-test', awsRequestId: 'r1', getRemainingTimeInMillis: () => 10_000 } as Context);

test('no directory imported: 503 "directory not imported yet", in both languages, with Retry-After, and logged', async () => {
  const res = await get(agencies, '/api/agencies');
  expect(res.statusCode).toBe(503);
  expect(res.headers?.['retry-after']).toBe('60');
  const body = JSON.parse(res.body!) as Record<string, string>;
  expect(body).toMatchObject({ error: 'unavailable', reason: 'directory_not_imported' });
  expect(body.message).toMatch(/direktori pejabat belum dimuat/);
  expect((JSON.parse((await get(agencies, '/api/agencies', { 'accept-language': 'en' })).body!) as { message: string }).message).toMatch(/has not been imported yet/);
  const page = await get(pages, '/', { accept: 'text/html' });
  expect(page.statusCode).toBe(503);
  expect(logs.text()).toMatch(/"level":"ERROR".*no directory imported.*"table":"tanggap-first-deploy"/);
});

test('after an import the next call is served, and a later import is what the functions use', async () => {
  const store = new DynamoDirectoryStore(table.client, table.tableName);
  await importDirectory(store, demoCopy(), { loadedBy: 'operator', loadedAt: new Date().toISOString() });
  const served = await get(agencies, '/api/agencies');
  expect(served.statusCode).toBe(200);
  expect((JSON.parse(served.body!) as { id: string }[]).map((a) => a.id)).toContain('dinkes-muba');
  const closed = demoCopy();
  closed.agencies.find((a) => a.id === 'dinkes-muba')!.acceptsComplaints = false;
  await importDirectory(store, closed, { loadedBy: 'operator', loadedAt: new Date().toISOString() });
  expect((JSON.parse((await get(agencies, '/api/agencies')).body!) as { id: string }[]).map((a) => a.id)).not.toContain('dinkes-muba');
});
