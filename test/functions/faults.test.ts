/**
 * The injectable fault wrapper (FAULTS): parsed and refused by the configuration schema, and, on a
 * real SDK client against dynalite, a throttling error the SDK retries with its backoff — a call
 * succeeds once a draw lets it through, fails as a throttle only when every attempt was hit.
 */
import { DynamoDBClient, GetItemCommand, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { injectFaults, parseFaults } from '../../functions/adapters/faults';
import { startDynalite, type TestTable } from '../support/dynalite';

describe('FAULTS', () => {
  test.each([
    ['dynamodb:0.2,ses:0.2', { dynamodb: 0.2, ses: 0.2 }],
    [' ses:1 ', { ses: 1 }],
    ['sfn:0', { sfn: 0 }],
    ['', {}],
  ])('"%s" reads as %j', (text, rates) => {
    expect(parseFaults(text)).toEqual({ rates });
  });

  test.each([
    ['s3:0.2', /service among dynamodb, ses, sfn/],
    ['dynamodb:1.5', /between 0 and 1/],
    ['dynamodb=0.2', /<service>:<rate>/],
    ['ses:0.1,ses:0.2', /named twice/],
  ])('"%s" is refused, saying why', (text, why) => {
    const parsed = parseFaults(text);
    expect('problems' in parsed && parsed.problems.join('\n')).toMatch(why);
  });

  test('the configuration schema refuses a malformed FAULTS, naming it, and reads a good one', () => {
    const env = { ...process.env };
    const base = { TABLE_NAME: 't', STATE_MACHINES: '{}', MAIL_FROM: 'a@example.go.id', PUBLIC_URL: 'https://x.example', LINK_SECRET: 'x'.repeat(32) };
    try {
      jest.isolateModules(() => {
        Object.assign(process.env, base, { FAULTS: 'dynamodb:2' });
        const { config } = jest.requireActual<typeof import('../../functions/adapters/config')>('../../functions/adapters/config');
        expect(() => config()).toThrow(/FAULTS: "dynamodb:2": the rate is a share between 0 and 1/);
      });
      jest.isolateModules(() => {
        Object.assign(process.env, base, { FAULTS: 'dynamodb:0.2,ses:0.2' });
        const { config } = jest.requireActual<typeof import('../../functions/adapters/config')>('../../functions/adapters/config');
        expect(config().FAULTS).toEqual({ dynamodb: 0.2, ses: 0.2 });
      });
    } finally {
      process.env = env;
    }
  });
});

describe('a client with injected faults, on dynalite', () => {
  let table: TestTable;
  beforeAll(async () => { table = await startDynalite(); });
  afterAll(async () => { await table.stop(); });

  const client = (draws: number[], maxAttempts: number) => {
    let i = 0;
    const c = new DynamoDBClient({ endpoint: table.endpoint, region: 'ap-southeast-3', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts });
    return { c: injectFaults(c, 'dynamodb', 0.5, () => draws[i++] ?? 1), drawn: () => i };
  };
  const get = (c: DynamoDBClient) => c.send(new GetItemCommand({ TableName: table.tableName, Key: marshall({ pk: 'CASE#none', sk: 'CASE' }) }));

  test('a throttled call is retried by the SDK and succeeds when a later attempt is let through', async () => {
    const { c, drawn } = client([0.1, 0.2, 0.9], 3);
    const out = await get(c);
    expect(out.Item).toBeUndefined();
    expect(out.$metadata.attempts).toBe(3);
    expect(drawn()).toBe(3);
    c.destroy();
  }, 30_000);

  test('a call throttled at every attempt fails with the service\'s throttling error', async () => {
    const { c, drawn } = client([0, 0, 0, 0], 2);
    const err = await get(c).then(() => undefined, (e: unknown) => e as Error & { $metadata?: { attempts?: number } });
    expect(err?.name).toBe(new ProvisionedThroughputExceededException({ message: 'x', $metadata: {} }).name);
    expect(err?.message).toMatch(/Injected fault \(FAULTS\): dynamodb throttled GetItemCommand/);
    expect(drawn()).toBe(2);
    c.destroy();
  }, 30_000);

  test('a rate of 0 adds nothing', async () => {
    const c = new DynamoDBClient({ endpoint: table.endpoint, region: 'ap-southeast-3', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const before = c.middlewareStack.identify().length;
    injectFaults(c, 'dynamodb', 0);
    expect(c.middlewareStack.identify().length).toBe(before);
    c.destroy();
  });
});
