/**
 * The SessionStore port (officials' sign-in links and sessions) against the DynamoDB adapter on
 * dynalite and the in-memory fake: single use, expiry honoured by the reads themselves.
 */
import { DynamoSessionStore } from '../../functions/adapters/dynamo-session-store';
import { ConditionFailed, type SessionStore } from '../../shared/ports';
import { startDynalite, type TestTable } from '../support/dynalite';
import { MemorySessionStore } from '../support/memory-case-store';

let table: TestTable;
beforeAll(async () => { table = await startDynalite(); });
afterAll(async () => { await table.stop(); });

const stores: [string, () => SessionStore][] = [
  ['DynamoSessionStore on dynalite', () => new DynamoSessionStore(table.client, table.tableName)],
  ['MemorySessionStore', () => new MemorySessionStore()],
];
let n = 0;

describe.each(stores)('%s', (_name, make) => {
  let store: SessionStore;
  beforeEach(() => { store = make(); });

  test('a sign-in link is consumed once, and never after it expired', async () => {
    const link = { keyHash: `link-${++n}`, personId: 'kasi', createdAt: '2026-11-10T09:00:00+07:00', expiresAt: 1_000 };
    await store.putSignInLink(link);
    await expect(store.putSignInLink(link)).rejects.toBeInstanceOf(ConditionFailed);
    const [a, b] = await Promise.all([store.consumeSignInLink(link.keyHash, 999), store.consumeSignInLink(link.keyHash, 999)]);
    expect([a, b].filter(Boolean)).toEqual([link]);
    expect(await store.consumeSignInLink(link.keyHash, 999)).toBeUndefined();
    const expired = { ...link, keyHash: `link-${++n}` };
    await store.putSignInLink(expired);
    expect(await store.consumeSignInLink(expired.keyHash, 1_000)).toBeUndefined();
    expect(await store.consumeSignInLink('unknown', 1)).toBeUndefined();
  });

  test('a session reads back until it expires, and not after it was deleted', async () => {
    const session = { keyHash: `session-${++n}`, personId: 'kasi', directoryVersion: 3, createdAt: '2026-11-10T09:00:00+07:00', expiresAt: 5_000 };
    await store.putSession(session);
    expect(await store.getSession(session.keyHash, 4_999)).toEqual(session);
    expect(await store.getSession(session.keyHash, 5_000)).toBeUndefined();
    await store.deleteSession(session.keyHash);
    expect(await store.getSession(session.keyHash, 1)).toBeUndefined();
    expect(await store.getSession('unknown', 1)).toBeUndefined();
  });
});
