/**
 * The citizen's API handlers (intake, status, agencies, feedback, pages) called as Lambda would
 * call them, against dynalite and a fake Step Functions endpoint: refusals are 4xx with the fields
 * to fix and store nothing; retries with an Idempotency-Key give the first answer and one case;
 * a failed StartExecution loses nothing; public views and logs carry no personal data.
 */
import fc from 'fast-check';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DynamoCaseStore } from '../../functions/adapters/dynamo-case-store';
import { DynamoDirectoryStore } from '../../functions/adapters/dynamo-directory-store';
import { demoDirectory } from '../../shared/directory';
import { hashKey } from '../../shared/case/keys';
import type { CaseRecord } from '../../shared/case/model';
import { taskSlot, type TaskRecord } from '../../shared/case/task';
import { codePointLength, normaliseText } from '../../shared/text/rules';
import { startDynalite, type TestTable } from '../support/dynalite';
import { startFakeSfn, type FakeSfn } from '../support/fake-sfn';
import { caseIdOfTracking } from '../../shared/case/tracking-id';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
const handlers: Record<'intake' | 'status' | 'agencies' | 'feedback' | 'pages', Handler> = {} as never;
let table: TestTable;
let sfn: FakeSfn;
let store: DynamoCaseStore;
let logged = '';
const spies: jest.SpyInstance[] = [];
const savedEnv = { ...process.env };

const reporter = { name: 'Siti Rahmawati', email: 'siti.rahmawati@example.com', phone: '081234567890' };
const personal = [reporter.name, reporter.email, reporter.phone];
/** Every reporter key the tests used: none may reach the logs. */
const usedKeys: string[] = [];
const valid = {
  agencyId: 'dinkes-muba', category: 'pelayanan', title: 'Antrean puskesmas terlalu lama',
  description: 'Saya menunggu lebih dari tiga jam tanpa kejelasan dari petugas di loket.',
  location: 'Puskesmas Sekayu', incidentDate: '2026-11-30', reporter,
};
/** 1 December 2026, 01:30 in Sekayu (WIB), still 30 November in UTC: the month is the regency's. */
const NOW = Date.parse('2026-11-30T18:30:00Z');

beforeAll(async () => {
  [table, sfn] = await Promise.all([startDynalite('tanggap-api'), startFakeSfn()]);
  // The functions read the directory from the table: import the demo, as an operator would.
  await new DynamoDirectoryStore(table.client, table.tableName).saveVersion(demoDirectory, { loadedBy: 'public-api test', loadedAt: new Date(NOW).toISOString() });
  Object.assign(process.env, {
    TABLE_NAME: table.tableName,
    STATE_MACHINES: JSON.stringify(Object.fromEntries(['perpustakaan-muba', 'dukcapil-mura', 'sp4n-lapor-muara-enim', 'dinkes-muba'].map((id) => [id, `arn:aws:states:ap-southeast-3:000000000000:stateMachine:${id}`]))),
    MAIL_FROM: 'noreply@tanggap.example', PUBLIC_URL: 'https://tanggap.example', LINK_SECRET: 'x'.repeat(40),
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint, AWS_ENDPOINT_URL_SFN: sfn.endpoint, AWS_ENDPOINT_URL_SES: 'http://127.0.0.1:9',
    AWS_REGION: 'ap-southeast-3', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test',
    POWERTOOLS_LOG_LEVEL: 'DEBUG', POWERTOOLS_SERVICE_NAME: 'tanggap-test',
  });
  const capture = (chunk: unknown) => { logged += String(chunk); return true; };
  spies.push(jest.spyOn(process.stdout, 'write').mockImplementation(capture), jest.spyOn(process.stderr, 'write').mockImplementation(capture));
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) spies.push(jest.spyOn(console, level).mockImplementation((...args: unknown[]) => { logged += `${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}\n`; }));
  // Handlers read their configuration when first used: load them once the environment is set.
  handlers.intake = (await import('../../functions/intake/handler')).handler as unknown as Handler;
  handlers.status = (await import('../../functions/status/handler')).handler as unknown as Handler;
  handlers.agencies = (await import('../../functions/agencies/handler')).handler as unknown as Handler;
  handlers.feedback = (await import('../../functions/feedback/handler')).handler as unknown as Handler;
  handlers.pages = (await import('../../functions/pages/handler')).handler as unknown as Handler;
  store = new DynamoCaseStore(table.client, table.tableName);
});
afterAll(async () => {
  spies.forEach((s) => s.mockRestore());
  process.env = savedEnv;
  await Promise.all([table?.stop(), sfn?.stop()]);
});

let requestCounter = 0;
function invoke(name: keyof typeof handlers, req: { method?: string; path: string; route: string; body?: string; base64?: boolean; headers?: Record<string, string>; query?: Record<string, string>; params?: Record<string, string>; at?: number }) {
  const [rawPath] = req.path.split('?');
  const event: APIGatewayProxyEventV2 = {
    version: '2.0', routeKey: req.route, rawPath: rawPath!, rawQueryString: new URLSearchParams(req.query).toString(),
    headers: req.headers ?? {}, queryStringParameters: req.query, pathParameters: req.params,
    body: req.body, isBase64Encoded: req.base64 ?? false,
    requestContext: { http: { method: req.method ?? 'GET', path: rawPath!, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' }, timeEpoch: req.at ?? NOW, requestId: `r${++requestCounter}` } as APIGatewayProxyEventV2['requestContext'],
  };
  const context = { functionName: `tanggap-${name}`, awsRequestId: `r${requestCounter}`, getRemainingTimeInMillis: () => 10_000 } as Context;
  return handlers[name](event, context);
}
const post = (body: unknown, headers: Record<string, string> = {}, query?: Record<string, string>) =>
  invoke('intake', { method: 'POST', path: '/api/complaints', route: 'POST /api/complaints', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers }, query });
const getStatus = (trackingId: string, query?: Record<string, string>) => invoke('status', { path: `/api/complaints/${trackingId}`, route: 'GET /api/complaints/{trackingId}', params: { trackingId }, query });
const bodyOf = (res: APIGatewayProxyStructuredResultV2) => JSON.parse(res.body ?? 'null');
const cases = async () => (await table.items()).filter((i) => i.sk === 'CASE') as unknown as CaseRecord[];
const starts = () => sfn.calls.filter((c) => c.op === 'StartExecution');

describe('POST /api/complaints', () => {
  test('files a complaint: 201 with the tracking id, case stored as received in the regency\'s month, execution started', async () => {
    const before = starts().length;
    const res = await post(valid);
    expect(res.statusCode).toBe(201);
    const body = bodyOf(res);
    expect(body).toEqual({ trackingId: expect.stringMatching(/^TGP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/), status: 'received', statusUrl: `https://tanggap.example/complaints/${body.trackingId}`, submittedAt: '2026-12-01T01:30:00+07:00', acknowledgement: { email: 'sending' } });
    expect(res.headers).toMatchObject({ location: body.statusUrl, 'cache-control': 'no-store' });

    const stored = (await cases()).find((c) => c.trackingId === body.trackingId)!;
    // Written once: the execution names itself on the case in its first state (not run by this fake Step Functions).
    expect(stored).toMatchObject({ status: 'received', month: '2026-12', agencyId: 'dinkes-muba', sopId: 'dinkes-muba', reporter, channel: 'web', version: 1 });
    expect(stored.executionArn).toBeUndefined();
    expect((await store.listEvents(stored.caseId)).map((e) => e.type)).toEqual(['submitted']);
    expect(starts().slice(before)).toEqual([{ op: 'StartExecution', body: { stateMachineArn: 'arn:aws:states:ap-southeast-3:000000000000:stateMachine:dinkes-muba', name: stored.caseId, input: JSON.stringify({ caseId: stored.caseId, sopId: 'dinkes-muba' }) } }]);
  });

  test('an anonymous complaint keeps no contact even if one was typed', async () => {
    const res = await post({ ...valid, anonymous: true });
    expect(res.statusCode).toBe(201);
    const stored = (await cases()).find((c) => c.trackingId === bodyOf(res).trackingId)!;
    expect(stored.anonymous).toBe(true);
    expect(stored.reporter).toBeUndefined();
  });

  test('the form without JavaScript (urlencoded, base64 from API Gateway) gets an HTML confirmation', async () => {
    const form = new URLSearchParams({ target: 'perpus-muba/layanan', title: valid.title, description: valid.description, 'reporter.email': reporter.email }).toString();
    const res = await invoke('intake', { method: 'POST', path: '/api/complaints', route: 'POST /api/complaints', body: Buffer.from(form).toString('base64'), base64: true, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html,application/xhtml+xml' } });
    expect(res.statusCode).toBe(201);
    expect(res.headers?.['content-type']).toContain('text/html');
    expect(res.headers?.['content-security-policy']).toContain("default-src 'none'");
    const trackingId = /TGP-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/.exec(res.body!)?.[0];
    expect((await cases()).find((c) => c.trackingId === trackingId)?.agencyId).toBe('perpus-muba');
  });

  test('a form whose honeypot is filled is refused with what to do, stores nothing and starts nothing; emptied, it goes through', async () => {
    const fields = { target: 'perpus-muba/layanan', title: 'Robot mengisi semua kolom', description: valid.description, 'reporter.email': 'robot.target@example.com' };
    const formPost = (extra: Record<string, string>) => invoke('intake', {
      method: 'POST', path: '/api/complaints', route: 'POST /api/complaints', body: new URLSearchParams({ ...fields, ...extra }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    });
    const itemsBefore = (await table.items()).length;
    const startsBefore = starts().length;
    const trapped = await formPost({ website: 'https://spam.example' });
    expect(trapped.statusCode).toBe(400);
    expect(trapped.body).toContain('Kolom &quot;Jangan diisi&quot; harus dibiarkan kosong');
    // The form comes back as typed, the trap emptied.
    expect(trapped.body).toContain('value="Robot mengisi semua kolom"');
    expect(trapped.body).toMatch(/name="website" value=""/);
    const asJson = await invoke('intake', { method: 'POST', path: '/api/complaints', route: 'POST /api/complaints', body: new URLSearchParams({ ...fields, website: 'x' }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(asJson.statusCode).toBe(400);
    expect(bodyOf(asJson).issues).toEqual([{ path: 'website', message: expect.stringContaining('harus dibiarkan kosong') }]);
    expect((await table.items()).length).toBe(itemsBefore);
    expect(starts().length).toBe(startsBefore);
    expect((await formPost({ website: '' })).statusCode).toBe(201);
  });

  test('any printable title, description and location is stored exactly as its normalised form, through the handler and DynamoDB (property)', async () => {
    const unit = fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...'abcXYZ019 <>"\'\\=&;:/.,!?-_()[]{}#%*+éñ'.split('')) },
      { weight: 2, arbitrary: fc.constantFrom('😡', '👍🏽', '👨‍👩‍👧', '🇮🇩', '\u200D', '\u200E', '\u200F', 'ش', '中', 'e\u0301') },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
    ).filter((c) => !/[\p{Cc}\u202A-\u202E\u2066-\u2069\u2028\u2029\p{Cs}\p{Noncharacter_Code_Point}]/u.test(c));
    const text = (min: number, max: number) => fc.array(unit, { minLength: min, maxLength: max }).map((cs) => `Teks ${cs.join('')} akhir`);
    const multiline = fc.array(text(0, 30), { minLength: 1, maxLength: 4 }).map((lines) => `${lines.join('\n')}\n\tpanjang cukup dua puluh`);
    const within = (max: number) => (s: string) => codePointLength(normaliseText(s)) <= max;
    await fc.assert(fc.asyncProperty(text(0, 40).filter(within(150)), multiline.filter(within(5000)), text(0, 40).filter(within(200)), async (title, description, location) => {
      const res = await post({ ...valid, title, description, location, reporter: { phone: '081234567890' } });
      expect(res.statusCode).toBe(201);
      const stored = (await store.getCaseByTrackingId(bodyOf(res).trackingId))!;
      expect({ title: stored.title, description: stored.description, location: stored.location })
        .toEqual({ title: normaliseText(title), description: normaliseText(description), location: normaliseText(location) });
    }), { numRuns: 25 });
  });

  describe('a malformed submission answers 4xx with what to fix and stores nothing', () => {
    const cases4xx: [string, () => Promise<APIGatewayProxyStructuredResultV2>, number, string[]][] = [
      ['missing fields', () => post({ agencyId: 'dinkes-muba' }), 400, ['title', 'description', 'category']],
      ['wrong types', () => post({ ...valid, title: 42, anonymous: 'maybe', reporter: { email: 'nope' } }), 400, ['title', 'anonymous', 'reporter.email']],
      ['an unknown agency', () => post({ ...valid, agencyId: 'dinas-rahasia' }), 400, ['agencyId']],
      ['a control character in the text', () => post({ ...valid, description: 'Petugas \u0000 tidak melayani kami di loket.' }), 400, ['description']],
      ['a right-to-left override in the title', () => post({ ...valid, title: 'Tagihan \u202E000.05 pR' }), 400, ['title']],
      ['a title of zero-width spaces', () => post({ ...valid, title: '\u200B'.repeat(30) }), 400, ['title']],
      ['an unknown channel', () => post({ ...valid, channel: 'fax' }), 400, ['channel']],
      ['a JSON null', () => post('null'), 400, ['(body)']],
      ['a JSON array', () => post('[]'), 400, ['(body)']],
      ['a JSON string', () => post('"x"'), 400, ['(body)']],
      ['a JSON number', () => post('1'), 400, ['(body)']],
      ['no contact', () => post({ ...valid, reporter: { name: 'Budi' } }), 400, ['reporter']],
      ['an incident in the future', () => post({ ...valid, incidentDate: '2026-12-02' }), 400, ['incidentDate']],
      ['broken JSON', () => post('{"agencyId":'), 400, ['(body)']],
      ['a malformed Idempotency-Key', () => post(valid, { 'idempotency-key': 'a b' }), 400, ['Idempotency-Key']],
      ['a 1 MB body', () => post({ ...valid, description: 'x'.repeat(1024 * 1024) }), 413, []],
      ['a 1 MB base64 body', () => invoke('intake', { method: 'POST', path: '/api/complaints', route: 'POST /api/complaints', body: Buffer.alloc(1024 * 1024, 'a').toString('base64'), base64: true, headers: { 'content-type': 'application/json' } }), 413, []],
      ['a text/plain body', () => post('title=x', { 'content-type': 'text/plain' }), 415, []],
      ['no content type', () => invoke('intake', { method: 'POST', path: '/api/complaints', route: 'POST /api/complaints', body: JSON.stringify(valid) }), 415, []],
    ];
    test.each(cases4xx)('%s', async (_what, send, status, paths) => {
      const itemsBefore = (await table.items()).length;
      const startsBefore = starts().length;
      const res = await send();
      expect(res.statusCode).toBe(status);
      const body = bodyOf(res);
      if (status === 400) {
        expect(body.error).toBe('validation');
        expect(body.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(paths));
        for (const issue of body.issues) expect(issue.message).toEqual(expect.any(String));
      } else {
        expect(body).toEqual({ error: expect.any(String), message: expect.any(String), ...(status === 413 ? { maxBytes: 65536 } : {}) });
      }
      expect((await table.items()).length).toBe(itemsBefore);
      expect(starts().length).toBe(startsBefore);
    });
  });

  test('whatever the body, the answer is 201 or a 4xx, and a 4xx stores nothing (property)', async () => {
    const bodies = fc.oneof(
      fc.json(),
      fc.string(),
      fc.record({ ...Object.fromEntries(Object.entries(valid).map(([k, v]) => [k, fc.oneof(fc.constant(v), fc.anything())])) }, { requiredKeys: [] }).map((b) => JSON.stringify(b)),
    );
    const types = fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=utf-8');
    await fc.assert(fc.asyncProperty(bodies, types, async (body, type) => {
      const itemsBefore = (await table.items()).length;
      const res = await post(body, { 'content-type': type });
      expect([201, 400, 413, 415]).toContain(res.statusCode);
      if (res.statusCode !== 201) expect((await table.items()).length).toBe(itemsBefore);
    }), { numRuns: 40 });
  });

  test('issues are in Bahasa Indonesia by default and English when asked', async () => {
    expect(bodyOf(await post({ ...valid, description: 'pendek' })).issues).toEqual([{ path: 'description', message: 'Minimal 20 karakter (spasi dan karakter tak terlihat tidak dihitung; sekarang 6).' }]);
    expect(bodyOf(await post({ ...valid, description: 'short' }, { 'accept-language': 'en-GB,en;q=0.9' })).issues).toEqual([{ path: 'description', message: 'At least 20 characters (spaces and invisible characters do not count; now 5).' }]);
    expect(bodyOf(await post({ ...valid, description: 'short' }, {}, { lang: 'en' })).issues).toEqual([{ path: 'description', message: 'At least 20 characters (spaces and invisible characters do not count; now 5).' }]);
  });

  test('a retry with the same Idempotency-Key returns the first answer and leaves one case', async () => {
    const key = 'retry-key-0001';
    const first = await post(valid, { 'idempotency-key': key });
    const second = await post(valid, { 'idempotency-key': key }, undefined);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(bodyOf(second)).toEqual(bodyOf(first));
    expect((await cases()).filter((c) => c.trackingId === bodyOf(first).trackingId)).toHaveLength(1);
    const caseId = (await cases()).find((c) => c.trackingId === bodyOf(first).trackingId)!.caseId;
    // The retry came before the execution named itself on the case: it starts it again with the same
    // name and input, which Step Functions answers with the same execution.
    const named = starts().filter((c) => c.body.name === caseId);
    expect(named.length).toBeGreaterThanOrEqual(1);
    for (const s of named) expect(s).toEqual(named[0]);
    // The key's record is the case item itself, stored under the id of its tracking id: a keyed hash of
    // the key, never the key; no lookup item, no record of its own.
    expect(caseId).toBe(caseIdOfTracking(bodyOf(first).trackingId));
    const caseItem = (await table.items()).find((i) => i.pk === `CASE#${caseId}` && i.sk === 'CASE')!;
    expect(caseItem.submission).toEqual({ keyHash: expect.any(String), fingerprint: expect.any(String) });
    expect((await table.items()).filter((i) => String(i.pk).startsWith('TRACK#'))).toEqual([]);
    expect(JSON.stringify(await table.items())).not.toContain(key);
    expect((await table.items()).filter((i) => String(i.pk).startsWith('IDEMPOTENCY#'))).toEqual([]);
  });

  test('two simultaneous requests with one key file one complaint; the later is told to retry (429) or gets the first answer', async () => {
    const key = 'retry-key-0004';
    const complaint = { ...valid, title: 'Dua kali dikirim bersamaan' };
    const answers = await Promise.all([post(complaint, { 'idempotency-key': key }), post(complaint, { 'idempotency-key': key })]);
    const statuses = answers.map((a) => a.statusCode).sort();
    expect([[201, 201], [201, 429]]).toContainEqual(statuses);
    const busy = answers.find((a) => a.statusCode === 429);
    if (busy) expect(busy.headers?.['retry-after']).toBe('1');
    expect((await cases()).filter((c) => c.title === complaint.title)).toHaveLength(1);
  });

  test('the same Idempotency-Key with another complaint is refused and stores nothing', async () => {
    const key = 'retry-key-0002';
    expect((await post(valid, { 'idempotency-key': key })).statusCode).toBe(201);
    const before = (await cases()).length;
    const other = await post({ ...valid, title: 'Obat tidak tersedia di apotek' }, { 'idempotency-key': key });
    expect(other.statusCode).toBe(400);
    expect(bodyOf(other).issues).toEqual([{ path: 'Idempotency-Key', message: expect.stringContaining('sudah dipakai') }]);
    expect((await cases()).length).toBe(before);
  });

  test('when StartExecution fails the complaint is kept: 503 with Retry-After, and the retry with the same key finishes the start', async () => {
    const key = 'retry-key-0003';
    const complaint = { ...valid, title: 'Ambulans tidak datang' };
    sfn.failNext('StartExecution', 1);
    const failed = await post(complaint, { 'idempotency-key': key });
    expect(failed.statusCode).toBe(503);
    expect(failed.headers?.['retry-after']).toEqual(expect.stringMatching(/^\d+$/));
    const { trackingId } = bodyOf(failed);
    expect(trackingId).toEqual(expect.stringMatching(/^TGP-/));
    const kept = (await cases()).find((c) => c.trackingId === trackingId)!;
    expect(kept).toMatchObject({ status: 'received', reporter });
    expect(kept.executionArn).toBeUndefined();

    const retried = await post(complaint, { 'idempotency-key': key });
    expect(retried.statusCode).toBe(201);
    expect(bodyOf(retried).trackingId).toBe(trackingId);
    expect((await cases()).filter((c) => c.title === complaint.title)).toHaveLength(1);
    // The refused start, then the retry's, with the same name and input: the execution named after the
    // case (which names itself on the case in its first state).
    const named = starts().filter((s) => (s.body as { name?: string }).name === kept.caseId);
    expect(named).toHaveLength(2);
    expect(named[1]).toEqual(named[0]);
  });
});

describe('GET /api/complaints/{trackingId}', () => {
  test('the public status: agency, status, current step with its due time, timeline; never personal data', async () => {
    // An address of its own: its acknowledgement is not withheld by the other tests' complaints.
    const { trackingId } = bodyOf(await post({ ...valid, reporter: { ...reporter, email: 'pemantau.status@example.com' } }));
    const c = (await store.getCaseByTrackingId(trackingId))!;
    await store.updateCase(c.caseId, c.version, { status: 'in_progress', currentStep: { stepId: 'verifikasi', visit: 1, role: 'admin', startedAt: c.submittedAt, dueAt: '2026-12-02T16:00:00+07:00', assigneeId: 'p-1' } });
    await store.appendEvent({ caseId: c.caseId, at: c.submittedAt, type: 'step_completed', actor: { kind: 'official', personId: 'p-1', role: 'admin' }, stepId: 'verifikasi', data: { note: `Sudah dihubungi ${reporter.phone}` } });
    await store.appendEvent({ caseId: c.caseId, at: c.submittedAt, type: 'email_sent', actor: { kind: 'system' }, data: { to: reporter.email } });
    const sop = (await import('../../shared/sops')).getSop('dinkes-muba');
    const step = sop.steps[0]!;
    await store.updateCase(c.caseId, c.version + 1, { currentStep: { stepId: step.id, visit: 1, role: step.role, startedAt: c.submittedAt, dueAt: '2026-12-02T16:00:00+07:00' } });

    const res = await getStatus(trackingId.toLowerCase().replace(/-/g, ' '));
    expect(res.statusCode).toBe(200);
    const status = bodyOf(res);
    expect(status).toEqual({
      trackingId, agency: { id: 'dinkes-muba', name: expect.any(String) }, status: 'in_progress',
      currentStep: { id: step.id, name: step.name.id, role: expect.any(String), dueAt: '2026-12-02T16:00:00+07:00' },
      timeline: [{ at: c.submittedAt, event: 'submitted' }, { at: c.submittedAt, event: 'step_completed', stepId: 'verifikasi' }],
    });
    for (const p of [...personal, 'pemantau.status@example.com']) expect(res.body).not.toContain(p);
    expect(res.body).not.toContain(c.caseId);
    expect(bodyOf(await getStatus(trackingId, { lang: 'en' })).currentStep.name).toBe(step.name.en);
  });

  test.each([['an unknown id', 'TGP-0000-0000-0'], ['not an id at all', 'hello'], ['a mistyped id', 'TGP-0000-0000-1']])('%s is 404', async (_what, id) => {
    const res = await getStatus(id);
    expect(res.statusCode).toBe(404);
    expect(bodyOf(res).error).toBe('not_found');
  });
});

describe('at most 3 acknowledgements a day to one address named as reporter', () => {
  const at = (iso: string) => Date.parse(iso);
  const file = (email: string, when: number, lang?: string) => invoke('intake', {
    method: 'POST', path: '/api/complaints', route: 'POST /api/complaints', at: when, query: lang ? { lang } : undefined,
    body: JSON.stringify({ ...valid, title: `Pengaduan atas nama ${email}`, reporter: { email } }), headers: { 'content-type': 'application/json' },
  });

  test('the 4th and later complaints of the office day are stored and handled, not acknowledged, and say why; the next day counts afresh', async () => {
    // Variants of one mailbox: case, +tags (sub-addressing) and, for Gmail, dots.
    const variants = ['korban.satu@gmail.com', 'Korban.Satu@Gmail.com', 'korbansatu+1@gmail.com', 'k.o.r.b.a.n.s.a.t.u@googlemail.com', 'korban.satu+x@gmail.com'];
    const day1 = at('2026-12-01T00:10:00Z'); // 07:10 WIB
    const answers = [];
    for (const [i, email] of variants.entries()) answers.push(await file(email, day1 + i * 60_000, i === 4 ? 'en' : undefined));
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(answers.map((a) => bodyOf(a).acknowledgement.email)).toEqual(['sending', 'sending', 'sending', 'withheld', 'withheld']);
    expect(bodyOf(answers[3]!).acknowledgement).toEqual({ email: 'withheld', reason: 'daily_limit', message: expect.stringContaining('sudah menerima 3 email tanda terima hari ini'), messages: { id: expect.stringContaining('Pengaduan tetap tersimpan dan ditangani'), en: expect.stringContaining('already received 3 acknowledgements today') } });
    expect(bodyOf(answers[4]!).acknowledgement.message).toMatch(/^No acknowledgement email was sent/);
    // Every complaint is stored and started; the withheld ones carry it, and the tracking page says why.
    const stored = await Promise.all(answers.map(async (a) => (await store.getCaseByTrackingId(bodyOf(a).trackingId))!));
    expect(stored.map((c) => c.acknowledgementWithheld ?? null)).toEqual([null, null, null, 'daily_limit', 'daily_limit']);
    for (const c of stored) expect(starts().some((st) => st.body.name === c.caseId)).toBe(true);
    expect(bodyOf(await getStatus(stored[3]!.trackingId)).acknowledgement).toEqual({ email: 'withheld', reason: 'daily_limit', message: expect.stringContaining('Email tanda terima tidak dikirim') });
    expect(bodyOf(await getStatus(stored[0]!.trackingId)).acknowledgement).toBeUndefined();
    const page = await invoke('pages', { path: `/complaints/${stored[3]!.trackingId}`, route: 'GET /complaints/{trackingId}', params: { trackingId: stored[3]!.trackingId }, query: { lang: 'en' } });
    expect(page.body).toContain('No acknowledgement email was sent for this complaint');
    // 23:50 WIB is still the same office day; 00:05 WIB the next is a new one.
    expect(bodyOf(await file('korban.satu@gmail.com', at('2026-12-01T16:50:00Z'))).acknowledgement.email).toBe('withheld');
    expect(bodyOf(await file('korban.satu@gmail.com', at('2026-12-01T17:05:00Z'))).acknowledgement.email).toBe('sending');
    // Another address is counted apart.
    expect(bodyOf(await file('orang.lain@example.com', day1)).acknowledgement.email).toBe('sending');
  });

  test('the counter is kept under a keyed hash of the address and the day, never the address', async () => {
    await file('rahasia.sekali@example.com', at('2026-12-03T02:00:00Z'));
    const quotas = (await table.items()).filter((i) => String(i.pk).startsWith('QUOTA#'));
    expect(quotas.length).toBeGreaterThan(0);
    for (const q of quotas) {
      expect(JSON.stringify(q)).not.toMatch(/rahasia|korban|orang\.lain|@/);
      expect(q.pk).toMatch(/^QUOTA#ack#[A-Za-z0-9_-]{32}#\d{4}-\d{2}-\d{2}$/);
      expect(q.expiresAt).toEqual(expect.any(Number));
    }
  });

  test('an anonymous complaint or one without an email is not counted and says so', async () => {
    const anon = await post({ ...valid, anonymous: true });
    expect(bodyOf(anon).acknowledgement).toEqual({ email: 'none' });
    const phoneOnly = await post({ ...valid, reporter: { phone: '081234567890' } });
    expect(bodyOf(phoneOnly).acknowledgement).toEqual({ email: 'none' });
  });
});

test('answers other than validation speak Bahasa Indonesia first, English when asked', async () => {
  expect(bodyOf(await getStatus('TGP-0000-0000-0')).message).toMatch(/^Tidak ada pengaduan/);
  expect(bodyOf(await getStatus('TGP-0000-0000-0', { lang: 'en' })).message).toMatch(/^No complaint/);
  expect(bodyOf(await post('x', { 'content-type': 'text/plain' })).message).toBe('Kirim sebagai application/json atau application/x-www-form-urlencoded.');
  expect(bodyOf(await post({ ...valid, description: 'x'.repeat(70_000) }, { 'accept-language': 'en' })).message).toMatch(/larger than 64 KB/);
});

describe('GET /api/agencies', () => {
  test('lists the agencies that take complaints, with their SOP and categories, in the asked language', async () => {
    const id = bodyOf(await invoke('agencies', { path: '/api/agencies', route: 'GET /api/agencies' }));
    const en = bodyOf(await invoke('agencies', { path: '/api/agencies', route: 'GET /api/agencies', query: { lang: 'en' } }));
    expect(id.map((a: { id: string }) => a.id).sort()).toEqual(['dinkes-muba', 'dukcapil-mura', 'kominfo-muara-enim', 'perpus-muba']);
    const dinkes = id.find((a: { id: string }) => a.id === 'dinkes-muba');
    expect(dinkes).toEqual({ id: 'dinkes-muba', name: expect.any(String), sop: { id: 'dinkes-muba', title: expect.any(String) }, categories: expect.arrayContaining([{ id: 'pelayanan', name: expect.any(String) }]) });
    expect(en.find((a: { id: string }) => a.id === 'dinkes-muba').name).not.toBe(dinkes.name);
  });
});

describe('POST /api/complaints/{trackingId}/feedback', () => {
  /** A case that was answered, with the reporter's open task (as the workflow-task handler opens it). */
  async function answered(kind: TaskRecord['kind'] = 'reporterReply') {
    const { trackingId } = bodyOf(await post(valid));
    const c = (await store.getCaseByTrackingId(trackingId))!;
    await store.updateCase(c.caseId, c.version, { status: 'resolved', response: { text: 'Antrean kini dibagi per jam.', at: c.submittedAt, byPersonId: 'p-1' }, replyWindowEndsAt: '2026-12-10T16:00:00+07:00' });
    const key = Buffer.alloc(32, trackingId).toString('base64url');
    usedKeys.push(key);
    const task: TaskRecord = { caseId: c.caseId, slot: taskSlot(kind, 'jawab', 1), kind, stepId: 'jawab', visit: 1, keyHash: hashKey(key), taskToken: `token-${c.caseId}`, status: 'open', role: 'reporter', openedAt: c.submittedAt, version: 1 };
    await store.putTask(task);
    return { trackingId, key, task, caseId: c.caseId };
  }
  const feedback = (trackingId: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    invoke('feedback', { method: 'POST', path: `/api/complaints/${trackingId}/feedback`, route: 'POST /api/complaints/{trackingId}/feedback', params: { trackingId }, body: typeof body === 'string' ? body : JSON.stringify(body), headers });

  test('the reporter rates the answer: the decision goes to the waiting execution once; again is 409', async () => {
    const { trackingId, key, task, caseId } = await answered();
    const res = await feedback(trackingId, { key, satisfied: true, rating: 5, comment: 'Terima kasih' });
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res)).toEqual({ ok: true, closed: true });
    const sent = sfn.calls.filter((c) => c.op === 'SendTaskSuccess' && c.body.taskToken === task.taskToken);
    expect(sent).toHaveLength(1);
    // The execution gets the flags; the reporter's words and the time are stored on the task first.
    expect(JSON.parse(sent[0]!.body.output)).toEqual({ satisfied: true, rating: 5 });
    expect(await store.getTask(caseId, task.slot)).toMatchObject({
      status: 'done', deliveredAt: '2026-12-01T01:30:00+07:00',
      given: { kind: 'reporter', satisfied: true, rating: 5, comment: 'Terima kasih', at: '2026-12-01T01:30:00+07:00' },
    });
    const again = await feedback(trackingId, { key, satisfied: false, comment: 'Belum' });
    expect(again.statusCode).toBe(409);
  });

  test('an answer to the officer\'s question needs its text and does not close the complaint', async () => {
    const { trackingId, key, task, caseId } = await answered('reporterAnswer');
    const empty = await feedback(trackingId, { key, satisfied: true });
    expect(empty.statusCode).toBe(400);
    expect(bodyOf(empty).issues).toEqual([{ path: 'comment', message: 'Tulis jawaban Anda atas pertanyaan petugas.' }]);
    const res = await feedback(trackingId, { key, satisfied: true, comment: 'Puskesmas Sekayu, loket 2.' });
    expect(bodyOf(res)).toEqual({ ok: true, closed: false });
    const sent = sfn.calls.filter((c) => c.op === 'SendTaskSuccess' && c.body.taskToken === task.taskToken);
    expect(JSON.parse(sent[0]!.body.output)).toEqual({ satisfied: true });
    expect((await store.getTask(caseId, task.slot))?.given).toMatchObject({ comment: 'Puskesmas Sekayu, loket 2.' });
  });

  test('the form posts urlencoded and gets a page back', async () => {
    const { trackingId, key } = await answered();
    const form = new URLSearchParams({ key, satisfied: 'false', rating: '', comment: 'Masih antre lama.' }).toString();
    const res = await feedback(trackingId, form, { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toContain('text/html');
    expect(res.body).not.toContain(key);
  });

  test.each([
    ['an unknown key', async (t: Awaited<ReturnType<typeof answered>>) => ({ trackingId: t.trackingId, body: { key: Buffer.alloc(32, 'z').toString('base64url'), satisfied: true } }), 404],
    ['a key of another complaint', async (t: Awaited<ReturnType<typeof answered>>) => ({ trackingId: (await answered()).trackingId, body: { key: t.key, satisfied: true } }), 404],
    ['a malformed key', async (t: Awaited<ReturnType<typeof answered>>) => ({ trackingId: t.trackingId, body: { key: 'abc', satisfied: true } }), 404],
    ['no key', async (t: Awaited<ReturnType<typeof answered>>) => ({ trackingId: t.trackingId, body: { satisfied: true } }), 400],
    ['a rating of 9', async (t: Awaited<ReturnType<typeof answered>>) => ({ trackingId: t.trackingId, body: { key: t.key, satisfied: true, rating: 9 } }), 400],
    ['not satisfied and no comment', async (t: Awaited<ReturnType<typeof answered>>) => ({ trackingId: t.trackingId, body: { key: t.key, satisfied: false } }), 400],
    ['a closed case', async (t: Awaited<ReturnType<typeof answered>>) => {
      const c = (await store.getCase(t.caseId))!;
      await store.updateCase(t.caseId, c.version, { status: 'closed', closedAt: c.submittedAt });
      return { trackingId: t.trackingId, body: { key: t.key, satisfied: true } };
    }, 410],
    ['an expired task', async (t: Awaited<ReturnType<typeof answered>>) => {
      await store.updateTask(t.caseId, t.task.slot, 1, { status: 'expired' });
      return { trackingId: t.trackingId, body: { key: t.key, satisfied: true } };
    }, 410],
  ])('%s is refused and nothing reaches the execution', async (_what, arrange, status) => {
    const t = await answered();
    const { trackingId, body } = await arrange(t);
    const before = sfn.calls.length;
    const res = await feedback(trackingId, body);
    expect(res.statusCode).toBe(status);
    expect(sfn.calls.length).toBe(before);
  });

  test('the fields to fix in feedback are named in the reporter\'s language', async () => {
    const { trackingId, key } = await answered();
    const id = bodyOf(await feedback(trackingId, { satisfied: 'maybe', rating: 0 }));
    expect(id.issues).toEqual(expect.arrayContaining([
      { path: 'key', message: 'Kunci dari tautan email Anda wajib disertakan.' },
      { path: 'satisfied', message: 'Pilih puas atau belum puas.' },
      { path: 'rating', message: 'Nilai harus angka bulat 1 sampai 5.' },
    ]));
    const en = await invoke('feedback', { method: 'POST', path: `/api/complaints/${trackingId}/feedback`, route: 'POST /api/complaints/{trackingId}/feedback', params: { trackingId }, query: { lang: 'en' }, body: JSON.stringify({ key, satisfied: false }), headers: { 'content-type': 'application/json' } });
    expect(bodyOf(en).issues).toEqual([{ path: 'comment', message: expect.stringMatching(/^Tell us what is still missing/) }]);
  });

  test('when Step Functions refuses, 503: the reply stays stored, and sending it again delivers it (once)', async () => {
    const { trackingId, key, task, caseId } = await answered();
    sfn.failNext('SendTaskSuccess', 1);
    const reply = { key, satisfied: false, rating: 2, comment: 'Masih "antre" lama.\nBaris dua \\ 😀' };
    const failed = await feedback(trackingId, reply);
    expect(failed.statusCode).toBe(503);
    expect(failed.headers?.['retry-after']).toBeDefined();
    expect(await store.getTask(caseId, task.slot)).toMatchObject({ status: 'done', given: { comment: reply.comment, satisfied: false, rating: 2 } });
    expect(await store.getTask(caseId, task.slot)).not.toHaveProperty('deliveredAt');
    // Another reply meanwhile cannot replace it: the stored one is delivered, and this one is told so.
    const other = await feedback(trackingId, { key, satisfied: true, rating: 5 });
    expect(other.statusCode).toBe(409);
    const delivered = sfn.calls.filter((c) => c.op === 'SendTaskSuccess' && c.body.taskToken === task.taskToken);
    expect(delivered.map((c) => JSON.parse(c.body.output))).toEqual([{ satisfied: false, rating: 2 }, { satisfied: false, rating: 2 }]);
    expect(await store.getTask(caseId, task.slot)).toMatchObject({ deliveredAt: expect.any(String) });
    // Now delivered: the same reply again is 409 and reaches nothing.
    expect((await feedback(trackingId, reply)).statusCode).toBe(409);
    expect(sfn.calls.filter((c) => c.op === 'SendTaskSuccess' && c.body.taskToken === task.taskToken)).toHaveLength(2);
  });

  test('a reply stored but refused by Step Functions is delivered when the reporter sends it again', async () => {
    const { trackingId, key, task, caseId } = await answered();
    sfn.failNext('SendTaskSuccess', 1);
    expect((await feedback(trackingId, { key, satisfied: true, rating: 4 })).statusCode).toBe(503);
    const again = await feedback(trackingId, { key, satisfied: true, rating: 4 });
    expect(again.statusCode).toBe(200);
    expect(bodyOf(again)).toEqual({ ok: true, closed: true });
    expect(await store.getTask(caseId, task.slot)).toMatchObject({ status: 'done', deliveredAt: expect.any(String) });
  });
});

describe('pages', () => {
  const page = (path: string, params?: Record<string, string>, query?: Record<string, string>, route = 'GET /complaints/{trackingId}') =>
    invoke('pages', { path, route, params, query, headers: { accept: 'text/html' } });

  test('GET / is the form, in Bahasa Indonesia, with the security headers', async () => {
    const res = await page('/', undefined, undefined, 'GET /');
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({ 'content-type': expect.stringContaining('text/html'), 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
    expect(res.body).toContain('lang="id"');
    expect(res.body).toContain('dinkes-muba/pelayanan');
  });

  test('the tracking page shows the status and no personal data; an unknown id is a 404 page', async () => {
    const { trackingId } = bodyOf(await post(valid));
    const res = await page(`/complaints/${trackingId}`, { trackingId });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(trackingId);
    for (const p of personal) expect(res.body).not.toContain(p);
    const missing = await page('/complaints/TGP-0000-0000-0', { trackingId: 'TGP-0000-0000-0' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers?.['content-type']).toContain('text/html');
  });

  test('the reply page opens with the reporter\'s key and is 404 without it', async () => {
    const { trackingId } = bodyOf(await post(valid));
    const c = (await store.getCaseByTrackingId(trackingId))!;
    await store.updateCase(c.caseId, c.version, { status: 'resolved', response: { text: 'Jawaban kami: antrean dibagi per jam.', at: c.submittedAt, byPersonId: 'p-1' } });
    const key = Buffer.alloc(32, `${trackingId}page`).toString('base64url');
    await store.putTask({ caseId: c.caseId, slot: taskSlot('reporterReply', 'jawab', 1), kind: 'reporterReply', stepId: 'jawab', visit: 1, keyHash: hashKey(key), taskToken: 't', status: 'open', role: 'reporter', openedAt: c.submittedAt, version: 1 });
    const ok = await page(`/complaints/${trackingId}/reply`, { trackingId }, { key });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('antrean dibagi per jam');
    expect((await page(`/complaints/${trackingId}/reply`, { trackingId }, { key: Buffer.alloc(32, 'q').toString('base64url') })).statusCode).toBe(404);
  });
});

test('nothing logged during these requests carries personal data or a link key', () => {
  // The capture works: the refusals and the failed starts above were logged.
  expect(logged).toContain('request refused');
  expect(logged).toContain('workflow start failed');
  for (const p of [...personal, ...usedKeys]) expect(logged).not.toContain(p);
  expect(usedKeys.length).toBeGreaterThan(5);
  expect(logged).not.toMatch(/Antrean puskesmas terlalu lama|Saya menunggu lebih dari tiga jam/);
});
