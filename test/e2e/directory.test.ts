/**
 * `npm run directory`: import and export on a stopped DATA_DIR and on a running runtime; a broken
 * file lists every problem and changes nothing; and what an import means for cases: each case
 * records the version it started with, open tasks keep their assignee, the next task goes to the
 * new holder.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { demoDirectory } from '../../shared/directory';
import type { Directory } from '../../shared/directory/schema';
import type { TaskView } from '../../shared/usecases/views';
import { parseDirectoryArgs, UsageError } from '../../infra/local/directory-cli';
import { runDirectoryCommand } from '../support/directory-command';
import { demoCopy, withNewHolder } from '../support/directory-fixtures';
import { storedCase } from '../support/ladder';
import { complaint, fill, startTestRuntime, type TestRuntime } from '../support/runtime';

jest.setTimeout(120_000);

const work = mkdtempSync(join(tmpdir(), 'tanggap-directory-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const file = (name: string, content: unknown) => {
  const path = join(work, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
};
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Directory;
/** The numbered problem lines the command printed. */
const problemLines = (err: string) => err.split('\n').filter((l) => /^\s+\d+\. /.test(l));

const newStaff = { id: 'perpus-staf-baru', name: 'Rudi "Rudy" Hartono', email: 'rudi.hartono@perpus.musitanggap.example.go.id', title: 'Staf Layanan <Pelaksana>' };
const newKasi = { id: 'perpus-kasi-baru', name: 'Maya Sari, S.IP.', email: 'maya.sari@perpus.musitanggap.example.go.id', title: 'Kepala Seksi Layanan' };
/** A transfer: the staff member and the Kasi of the library's complaint desk are replaced. */
const transferred = () => withNewHolder(withNewHolder(demoCopy(), 'perpus-muba', 'staf-layanan', newStaff), 'perpus-muba', 'kasi-layanan', newKasi);

/** A file with several problems of different kinds. */
function brokenFile(): Directory {
  const d = transferred();
  d.bupati.email = 'bupati-at-musitanggap';
  const perpus = d.agencies.find((a) => a.id === 'perpus-muba')!;
  perpus.officials = perpus.officials.filter((o) => o.role !== 'kabid-layanan' || o.acting);
  d.calendar.holidays.push({ date: '2026-02-30', kind: 'national', name: 'Tidak ada' });
  d.calendar.weeklyHours.fri = { open: '16:30', close: '07:30' };
  return d;
}

describe('on a stopped DATA_DIR', () => {
  const dataDir = join(work, 'stopped');
  const env = { DATA_DIR: dataDir, PORT: undefined };

  test('a fresh DATA_DIR holds the demo as version 1, loaded by "demo seed"; export writes it in the import format', async () => {
    const out = join(work, 'v1.json');
    const res = await runDirectoryCommand(env, 'export', out);
    expect(res).toMatchObject({ code: 0 });
    expect(res.out).toMatch(/version 1, loaded by demo seed/);
    expect(readJson(out)).toEqual(demoDirectory);
  });

  test('import: the next version, loaded by who said so (or the OS user); export gives back what was imported', async () => {
    const res = await runDirectoryCommand(env, 'import', file('transfer.json', transferred()), '--by', 'Nurul Fadilah <admin.lapor@kominfo.musitanggap.example.go.id>');
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/as version 2, loaded by Nurul Fadilah <admin.lapor@kominfo.musitanggap.example.go.id> at /);
    const exported = join(work, 'v2.json');
    expect((await runDirectoryCommand(env, 'export', exported)).code).toBe(0);
    expect(readJson(exported)).toEqual(transferred());
    // The exported file imports as it is: identical, so nothing changes.
    const again = await runDirectoryCommand(env, 'import', exported);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/is the directory in use already \(version 2/);
    // Without --by the OS user is recorded.
    const plt = demoCopy();
    plt.agencies.find((a) => a.id === 'perpus-muba')!.officials.push({ id: 'perpus-plt-kasi', name: 'Plt. Kasi', email: 'plt.kasi@perpus.musitanggap.example.go.id', title: 'Plt. Kepala Seksi Layanan', role: 'kasi-layanan', acting: true, language: 'id' });
    const byOs = await runDirectoryCommand(env, 'import', file('plt.json', plt));
    expect(byOs.out).toContain(`as version 3, loaded by ${userInfo().username}@`);
  });

  test('a broken file exits non-zero, lists every problem, and the stored version is unchanged', async () => {
    const before = await runDirectoryCommand(env, 'export', join(work, 'before.json'));
    const res = await runDirectoryCommand(env, 'import', file('broken.json', brokenFile()));
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/NOT loaded: 4 problems/);
    const lines = problemLines(res.err);
    expect(lines).toHaveLength(4);
    expect(lines.join('\n')).toMatch(/bupati › email/);
    expect(lines.join('\n')).toMatch(/nobody holds role "kabid-layanan"/);
    expect(lines.join('\n')).toMatch(/"2026-02-30": there is no such day/);
    expect(lines.join('\n')).toMatch(/weeklyHours.fri: the office opens at 16:30 but closes at 07:30/);
    const after = await runDirectoryCommand(env, 'export', join(work, 'after.json'));
    expect(after.out.replace(/after\.json/, '')).toBe(before.out.replace(/before\.json/, ''));
    expect(readFileSync(join(work, 'after.json'), 'utf8')).toBe(readFileSync(join(work, 'before.json'), 'utf8'));
  });

  test('--dry-run validates only; a file that is not JSON says so', async () => {
    const dry = await runDirectoryCommand(env, 'import', file('dry.json', withNewHolder(demoCopy(), 'perpus-muba', 'staf-layanan', newStaff)), '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/is a valid directory: 4 agencies, \d+ officials\. Nothing was loaded/);
    expect((await runDirectoryCommand(env, 'import', file('dry-broken.json', brokenFile()), '--dry-run')).code).toBe(1);
    const notJson = await runDirectoryCommand(env, 'import', file('not.json', '{ "regency": '));
    expect(notJson.code).toBe(1);
    expect(notJson.err).toMatch(/not valid JSON/);
    const missing = await runDirectoryCommand(env, 'import', join(work, 'nowhere.json'));
    expect(missing.err).toMatch(/cannot be read \(ENOENT\)/);
    const exported = await runDirectoryCommand(env, 'export');
    expect(exported.err).toMatch(/version 3, loaded by /);
  });

  test('usage: what to fix, exit 2; a PORT where nothing of DATA_DIR runs, exit 3', async () => {
    const cases: [string[], RegExp][] = [
      [[], /Say what to do: import or export/],
      [['import'], /import needs the directory file/],
      [['publish', 'x.json'], /Unknown command "publish"/],
      [['export', '--stage', 'Prod!'], /The stage "Prod!" is not a valid name/],
      [['export', '--by', 'me'], /--dry-run and --by belong to import/],
      [['import', 'a.json', '--force'], /Unknown option '--force'/],
    ];
    for (const [args, message] of cases) {
      expect(() => parseDirectoryArgs(args)).toThrow(UsageError);
      expect(() => parseDirectoryArgs(args)).toThrow(message);
    }
    expect(parseDirectoryArgs(['import', 'a.json', '--stage', 'staging', '--by', ' Nurul\n<n@x.id> '])).toEqual({ command: 'import', file: 'a.json', stage: 'staging', dryRun: false, by: 'Nurul <n@x.id>' });
    const usage = await runDirectoryCommand(env, 'import');
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/import needs the directory file[\s\S]*Usage:/);
    const wrongPort = await runDirectoryCommand({ DATA_DIR: dataDir, PORT: '3999' }, 'export');
    expect(wrongPort.code).toBe(3);
    expect(wrongPort.err).toMatch(/No runtime of DATA_DIR .* is running on PORT=3999/);
  });
});

describe('on a running runtime', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    // Every call reads the pointer: the import shows on the next call (the cache itself is tested in test/unit/directory-cache.test.ts).
    process.env.DIRECTORY_CACHE_SECONDS = '0';
    rt = await startTestRuntime({ clockStart: new Date('2026-11-23T02:00:00Z') });
  });
  afterAll(async () => {
    await rt.dispose();
    delete process.env.DIRECTORY_CACHE_SECONDS;
  });
  const port = () => new URL(rt.url).port;
  const file_ = async (body = complaint('perpus-muba', 'layanan')) => {
    const res = await rt.call('POST', '/api/complaints', body);
    expect(res.status).toBe(201);
    await rt.engine.waitForIdle();
    return res.body.trackingId as string;
  };
  const newTaskMailsTo = async (address: string) => (await rt.mail()).filter((m) => m.to.includes(address) && /^Tugas baru:/.test(m.subject));

  test('an import reaches the running system: open tasks keep their assignee, the next task goes to the new holder, each case records its version', async () => {
    const seeded = await rt.call('GET', '/_local/directory');
    expect(seeded.body.imported).toMatchObject({ version: 1, loadedBy: 'demo seed' });
    expect(seeded.body.agencies.map((a: { id: string }) => a.id)).toEqual(demoDirectory.agencies.map((a) => a.id));

    const before = await file_();
    expect((await storedCase(before)).record.directoryVersion).toBe(1);
    const oldStaff = demoDirectory.agencies.find((a) => a.id === 'perpus-muba')!.officials.find((o) => o.id === 'perpus-staf')!;
    const oldKasi = demoDirectory.agencies.find((a) => a.id === 'perpus-muba')!.officials.find((o) => o.id === 'perpus-kasi')!;
    expect(await newTaskMailsTo(oldStaff.email)).toHaveLength(1);
    const openKey = (await rt.taskKeys(before)).at(-1)!;

    const res = await runDirectoryCommand({ DATA_DIR: rt.dataDir, PORT: port() }, 'import', file('transfer-running.json', transferred()), '--by', 'Nurul Fadilah');
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/into the running local runtime \(http:\/\/127\.0\.0\.1:\d+, DATA_DIR .*\) as version 2, loaded by Nurul Fadilah at 2026-11-23T02:/);
    const current = await rt.call('GET', '/_local/directory');
    expect(current.body.imported).toMatchObject({ version: 2, loadedBy: 'Nurul Fadilah' });
    expect(current.body.agencies.find((a: { id: string }) => a.id === 'perpus-muba').officials.map((o: { id: string }) => o.id)).toContain('perpus-staf-baru');

    // The open task stays with the official it was given to, and their link still works.
    const open = (await storedCase(before)).record;
    expect(open.currentStep).toMatchObject({ stepId: 'catat', assigneeId: 'perpus-staf' });
    const view = await rt.call('GET', `/api/tasks/${openKey}`);
    expect(view.status).toBe(200);
    expect(await newTaskMailsTo(newStaff.email)).toHaveLength(0);
    // Whoever may act on it can hand it to a holder of the role in the directory now in use.
    const handOver = (view.body as TaskView).actions.find((a) => a.id === 'reassign');
    expect(handOver?.fields[0]?.options?.map((o) => o.value)).toEqual(['perpus-staf-baru']);
    // Acting on it: the next step's task goes to the Kasi of the new directory.
    const act = await rt.call('POST', `/api/tasks/${openKey}`, fill((view.body as TaskView).actions[0]!));
    expect(act.status).toBe(200);
    await rt.engine.waitForIdle();
    expect(await newTaskMailsTo(newKasi.email)).toHaveLength(1);
    expect(await newTaskMailsTo(oldKasi.email)).toHaveLength(0);
    expect((await storedCase(before)).record.currentStep).toMatchObject({ stepId: 'periksa', assigneeId: 'perpus-kasi-baru' });
    expect((await storedCase(before)).record.directoryVersion).toBe(1);

    // A case filed now starts on version 2, with the new staff member.
    const after = await file_();
    expect((await storedCase(after)).record.directoryVersion).toBe(2);
    expect(await newTaskMailsTo(newStaff.email)).toHaveLength(1);
    expect(await newTaskMailsTo(oldStaff.email)).toHaveLength(1);
  });

  test('a broken file leaves the running system as it was; export reads what it uses', async () => {
    const res = await runDirectoryCommand({ DATA_DIR: rt.dataDir, PORT: port() }, 'import', file('broken-running.json', brokenFile()));
    expect(res.code).toBe(1);
    expect(problemLines(res.err)).toHaveLength(4);
    expect((await rt.call('GET', '/_local/directory')).body.imported).toMatchObject({ version: 2 });
    const out = join(work, 'running-export.json');
    expect((await runDirectoryCommand({ DATA_DIR: rt.dataDir }, 'export', out)).code).toBe(0);
    expect(readJson(out)).toEqual(transferred());
    const wrongPort = await runDirectoryCommand({ DATA_DIR: rt.dataDir, PORT: String(Number(port()) + 1) }, 'export');
    expect(wrongPort.code).toBe(3);
    expect(wrongPort.err).toMatch(new RegExp(`answers on port ${port()}, not PORT=${Number(port()) + 1}`));
  });
});
