/**
 * The functions' view of the directory: the current version, trusted for the cache time, then one
 * read of the pointer; an import shows once the cache time has passed; none imported is a 503.
 */
import { Unavailable } from '../../shared/errors';
import { DIRECTORY_SCHEMA } from '../../shared/directory/schema';
import { CurrentDirectory, DirectoryNotImported, importDirectory } from '../../shared/directory/store';
import { demoCopy, withNewHolder } from '../support/directory-fixtures';
import { MemoryDirectoryStore } from '../support/memory-directory-store';

const TTL = 60_000;
const by = (who: string) => ({ loadedBy: who, loadedAt: '2026-12-01T09:00:00+07:00' });
const staffOf = (d: { agencies: { id: string; officials: { role: string; id: string }[] }[] }) => d.agencies.find((a) => a.id === 'perpus-muba')!.officials.find((o) => o.role === 'staf-layanan')!.id;

function setup() {
  const store = new MemoryDirectoryStore();
  let now = 1_000_000;
  const stale: number[] = [];
  const current = new CurrentDirectory(store, { ttlMs: TTL, now: () => now, onStale: (_err, served) => stale.push(served.version) });
  return { store, current, stale, advance: (ms: number) => { now += ms; } };
}

test('before any import: a 503 that says the directory is not imported, checked again on the next call', async () => {
  const { store, current } = setup();
  const err = await current.get().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DirectoryNotImported);
  expect(err).toBeInstanceOf(Unavailable);
  expect((err as Unavailable).status).toBe(503);
  expect((err as Unavailable).messageIn('id')).toMatch(/direktori pejabat belum dimuat/);
  expect((err as Unavailable).messageIn('en')).toMatch(/npm run directory -- import/);
  await importDirectory(store, demoCopy(), by('operator'));
  expect((await current.get()).version.version).toBe(1); // no negative caching: the import shows at once
});

test('within the cache time nothing is read; after it, the pointer only, and the version again only when it moved', async () => {
  const { store, current, advance } = setup();
  await importDirectory(store, demoCopy(), by('operator'));
  store.reads = { pointer: 0, version: 0 };
  const first = await current.get();
  expect(store.reads).toEqual({ pointer: 1, version: 1 });
  advance(TTL - 1);
  expect(await current.get()).toBe(first);
  expect(store.reads).toEqual({ pointer: 1, version: 1 });
  advance(1);
  expect(await current.get()).toBe(first);
  expect(store.reads).toEqual({ pointer: 2, version: 1 });
});

test('an import takes effect when the cache time has passed, not before', async () => {
  const { store, current, advance } = setup();
  await importDirectory(store, demoCopy(), by('operator'));
  expect(staffOf((await current.get()).directory)).toBe('perpus-staf');
  const transferred = withNewHolder(demoCopy(), 'perpus-muba', 'staf-layanan', { id: 'perpus-staf-baru', name: 'Rudi Hartono', email: 'rudi@perpus.musitanggap.example.go.id', title: 'Staf Layanan' });
  const imported = await importDirectory(store, transferred, by('Nurul <nurul@kominfo.example.go.id>'));
  expect(imported).toMatchObject({ ok: true, unchanged: false, version: { version: 2, loadedBy: 'Nurul <nurul@kominfo.example.go.id>' } });
  advance(TTL / 2);
  expect(staffOf((await current.get()).directory)).toBe('perpus-staf');
  advance(TTL / 2);
  const now = await current.get();
  expect(now.version).toMatchObject({ version: 2, loadedBy: 'Nurul <nurul@kominfo.example.go.id>' });
  expect(staffOf(now.directory)).toBe('perpus-staf-baru');
});

test('concurrent callers after expiry share one read', async () => {
  const { store, current, advance } = setup();
  await importDirectory(store, demoCopy(), by('operator'));
  await current.get();
  store.reads = { pointer: 0, version: 0 };
  advance(TTL);
  const loaded = await Promise.all(Array.from({ length: 20 }, () => current.get()));
  expect(new Set(loaded).size).toBe(1);
  expect(store.reads).toEqual({ pointer: 1, version: 0 });
});

test('a failed refresh serves the version read before, and says so; with nothing read before it fails', async () => {
  const { store, current, stale, advance } = setup();
  await importDirectory(store, demoCopy(), by('operator'));
  await current.get();
  advance(TTL);
  const failing = jest.spyOn(store, 'currentVersion').mockRejectedValue(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }));
  expect((await current.get()).version.version).toBe(1);
  expect(stale).toEqual([1]);
  failing.mockRestore();
  const fresh = new CurrentDirectory(store, { ttlMs: TTL });
  jest.spyOn(store, 'currentVersion').mockRejectedValueOnce(new Error('throttled'));
  await expect(fresh.get()).rejects.toThrow('throttled');
});

test('a cache time of 0 reads the pointer on every call', async () => {
  const store = new MemoryDirectoryStore();
  const current = new CurrentDirectory(store, { ttlMs: 0, now: () => 5 });
  await importDirectory(store, demoCopy(), by('operator'));
  store.reads = { pointer: 0, version: 0 };
  await current.get();
  await current.get();
  expect(store.reads).toEqual({ pointer: 2, version: 1 });
});

test('a version imported with this schema is served as stored, without parsing; one saved otherwise is parsed (defaults applied)', async () => {
  const { store, current, advance } = setup();
  // Saved directly (no schema recorded), a defaulted field left out: parsing fills it in.
  const raw = demoCopy() as unknown as { agencies: Record<string, unknown>[] };
  delete raw.agencies[0]!.acceptsComplaints;
  await store.saveVersion(raw as never, by('seeded'));
  expect((await current.get()).directory.agencies[0]!.acceptsComplaints).toBe(true);
  // Recorded as validated with this schema: taken as it is (here, to show it, the same gap stays a gap).
  await store.saveVersion(raw as never, { ...by('imported'), schema: DIRECTORY_SCHEMA });
  advance(TTL);
  const served = await current.get();
  expect(served.version.version).toBe(2);
  expect(served.directory.agencies[0]!.acceptsComplaints).toBeUndefined();
  // And another schema's fingerprint is parsed again.
  await store.saveVersion(raw as never, { ...by('older schema'), schema: 'directory:0000000000000000' });
  advance(TTL);
  expect((await current.get()).directory.agencies[0]!.acceptsComplaints).toBe(true);
});
