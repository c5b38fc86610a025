/**
 * The SES and Step Functions adapters against recording fake SDK clients (the real endpoints are
 * exercised by the local runtime's end-to-end tests), and the configuration's fail-fast messages.
 */
import { SendEmailCommand, SendRawEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { DescribeExecutionCommand, ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { simpleParser } from 'mailparser';
import { SesMailer } from '../../functions/adapters/ses-mailer';
import { buildMime } from '../../shared/email/mime';
import { executionArnOf, SfnWorkflow } from '../../functions/adapters/sfn-workflow';

/** A client whose `send` records each command and answers from `answer`. */
function fakeClient<C>(answer: (command: { constructor: unknown; input: any }) => unknown) {
  const sent: { constructor: unknown; input: any }[] = [];
  const client = { send: async (command: any) => { sent.push(command); return answer(command); } } as unknown as C;
  return { client, sent };
}

describe('SesMailer', () => {
  const mail = {
    from: 'Tanggap <noreply@tanggap.example>',
    to: ['kepala@dinkes.example\r\nBcc: victim@evil.example'],
    subject: 'Pengaduan baru\r\nX-Injected: yes',
    text: 'Ada pengaduan baru.',
    html: '<p>Ada pengaduan baru.</p>',
  };

  test('a plain message goes through SendEmail with CR/LF stripped from every header value', async () => {
    const { client, sent } = fakeClient<SESClient>(() => ({ MessageId: 'm-1' }));
    const out = await new SesMailer(client).send({ ...mail, replyTo: 'a@b.example\nBcc: x@y.example' });
    expect(out).toEqual({ messageId: 'm-1' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(SendEmailCommand);
    const input = sent[0]!.input;
    for (const value of [input.Source, ...input.Destination.ToAddresses, ...input.ReplyToAddresses, input.Message.Subject.Data]) expect(value).not.toMatch(/[\r\n]/);
    expect(input.Message.Body.Text.Data).toBe(mail.text);
  });

  test('attachments and inline images go through SendRawEmail as MIME that parses back, without injected headers', async () => {
    const { client, sent } = fakeClient<SESClient>(() => ({ MessageId: 'm-2' }));
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    await new SesMailer(client).send({
      ...mail,
      subject: 'Rekap bulanan — Dinas Kesehatan\r\nBcc: x@y.example',
      attachments: [
        { filename: 'rekap.csv', contentType: 'text/csv', content: Buffer.from('a,b\n1,2\n') },
        { filename: 'logo.png', contentType: 'image/png', content: png, contentId: 'logo' },
      ],
    });
    expect(sent[0]).toBeInstanceOf(SendRawEmailCommand);
    const parsed = await simpleParser(Buffer.from(sent[0]!.input.RawMessage.Data));
    expect(parsed.subject).toBe('Rekap bulanan — Dinas Kesehatan Bcc: x@y.example');
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(parsed.headers.has('x-injected')).toBe(false);
    expect(parsed.text?.trim()).toBe(mail.text);
    const byName = Object.fromEntries(parsed.attachments.map((a) => [a.filename, a]));
    expect(byName['rekap.csv']?.content.toString()).toBe('a,b\n1,2\n');
    expect(byName['logo.png']?.cid).toBe('logo');
    expect([...byName['logo.png']!.content]).toEqual([...png]);
  });

  test('a raw message whose encoding would be all word characters still shows the SDK a `/` or `+` at once, and parses back whole', async () => {
    // A 1 MB PDF of one repeated byte: without the guard header the message's base64 holds no `+` or `/`
    // at all, and the SDK's query encoding tests the whole of it against /^[\w.~-]+$/ (see rawMessage).
    const uniform = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1024 * 1024, 0x78)]);
    const big = { ...mail, from: 'noreply@tanggap.example', to: ['warga@example.id'], subject: 'Jawaban', attachments: [{ filename: 'surat.pdf', contentType: 'application/pdf', content: uniform }] };
    expect(/[+/]/.test(Buffer.from(buildMime(big), 'utf8').toString('base64'))).toBe(false);
    const { client, sent } = fakeClient<SESClient>(() => ({ MessageId: 'm-3' }));
    await new SesMailer(client).send(big);
    const data = Buffer.from(sent[0]!.input.RawMessage.Data);
    const first = data.toString('base64').search(/[+/]/);
    expect(first >= 0 && first < 40).toBe(true);
    const parsed = await simpleParser(data);
    expect(parsed.subject).toBe('Jawaban');
    expect(parsed.attachments.map((a) => [a.filename, a.size])).toEqual([['surat.pdf', uniform.length]]);
  });
});

describe('SfnWorkflow', () => {
  const machine = 'arn:aws:states:ap-southeast-3:123456789012:stateMachine:dinkes-muba';
  const input = { caseId: 'c1', sopId: 'dinkes-muba' };
  const refused = () => new ExecutionAlreadyExists({ message: 'exists', $metadata: {} });

  test('starts an execution named after the case with the JSON input', async () => {
    const { client, sent } = fakeClient<SFNClient>(() => ({ executionArn: executionArnOf(machine, 'c1') }));
    const out = await new SfnWorkflow(client, { 'dinkes-muba': machine }).start('dinkes-muba', 'c1', input);
    expect(out.executionArn).toBe('arn:aws:states:ap-southeast-3:123456789012:execution:dinkes-muba:c1');
    expect(sent[0]).toBeInstanceOf(StartExecutionCommand);
    expect(sent[0]!.input).toEqual({ stateMachineArn: machine, name: 'c1', input: JSON.stringify(input) });
  });

  test.each([
    ['the same input (an ended execution)', 'success', '{"sopId":"dinkes-muba","caseId":"c1"}'],
    ['another input', 'an error', '{"caseId":"c1","sopId":"other"}'],
  ])('a refused repeat with %s is %s', async (_what, expected, existingInput) => {
    const { client, sent } = fakeClient<SFNClient>((command) => {
      if (command instanceof StartExecutionCommand) throw refused();
      return { input: existingInput, status: 'SUCCEEDED' };
    });
    const start = new SfnWorkflow(client, { 'dinkes-muba': machine }).start('dinkes-muba', 'c1', input);
    if (expected === 'success') await expect(start).resolves.toEqual({ executionArn: executionArnOf(machine, 'c1') });
    else await expect(start).rejects.toThrow('exists with another input');
    expect(sent[1]).toBeInstanceOf(DescribeExecutionCommand);
    expect(sent[1]!.input).toEqual({ executionArn: executionArnOf(machine, 'c1') });
  });

  test('an SOP without a configured machine is an error, and other failures pass through', async () => {
    const { client } = fakeClient<SFNClient>(() => { throw new Error('throttled'); });
    const workflow = new SfnWorkflow(client, { 'dinkes-muba': machine });
    await expect(workflow.start('unknown', 'c1', input)).rejects.toThrow('No state machine is configured for SOP unknown');
    await expect(workflow.start('dinkes-muba', 'c1', input)).rejects.toThrow('throttled');
  });
});

describe('config', () => {
  const valid = {
    TABLE_NAME: 'tanggap',
    STATE_MACHINES: JSON.stringify({ 'dinkes-muba': 'arn:aws:states:ap-southeast-3:1:stateMachine:dinkes-muba' }),
    MAIL_FROM: 'noreply@tanggap.example',
    PUBLIC_URL: 'https://tanggap.example/',
    LINK_SECRET: 'k'.repeat(32),
  };
  const saved = { ...process.env };
  afterEach(() => { process.env = { ...saved }; });

  function load(env: Record<string, string | undefined>) {
    process.env = { ...saved, ...env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
    let read!: () => unknown;
    jest.isolateModules(() => { read = require('../../functions/adapters/config').config; });
    return read;
  }

  test('a valid environment is parsed once (later changes are not read)', () => {
    const read = load(valid);
    expect(read()).toMatchObject({ TABLE_NAME: 'tanggap', PUBLIC_URL: 'https://tanggap.example', STATE_MACHINES: { 'dinkes-muba': expect.stringMatching(/^arn:/) } });
    process.env.TABLE_NAME = 'changed';
    expect(read()).toMatchObject({ TABLE_NAME: 'tanggap' });
  });

  test.each([
    ['TABLE_NAME', { TABLE_NAME: undefined }],
    ['STATE_MACHINES', { STATE_MACHINES: '{not json' }],
    ['STATE_MACHINES', { STATE_MACHINES: '{"dinkes-muba": "not-an-arn"}' }],
    ['MAIL_FROM', { MAIL_FROM: 'nobody' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'tanggap' }],
    ['LINK_SECRET', { LINK_SECRET: 'short' }],
  ])('a bad %s stops the function with a message naming it', (name, change) => {
    const read = load({ ...valid, ...change });
    expect(() => read()).toThrow(new RegExp(`Invalid configuration: .*${name}`));
  });

  test('its messages are zod\'s English words with zod/mini alone in the process, as in a bundle (zod/mini registers no locale)', () => {
    // A fresh node: in this one, zod's classic API (loaded by other modules) would register the locale itself.
    const { execFileSync } = jest.requireActual<typeof import('node:child_process')>('node:child_process');
    const probe = [
      "const { config } = require(process.argv[1]);",
      "try { config(); console.log('parsed'); } catch (err) { console.log(err.message); }",
      "console.log(Object.keys(globalThis.__zod_globalConfig ?? {}).join(','));",
    ].join('\n');
    const env = { PATH: process.env.PATH, ...valid, MAIL_FROM: 'nobody', LINK_SECRET: 'short', DIRECTORY_CACHE_SECONDS: '1.5' };
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', '-e', probe, require.resolve('../../functions/adapters/config.ts')], { env, encoding: 'utf8' });
    expect(stdout.trim().split('\n')).toEqual([
      'Invalid configuration: MAIL_FROM: Invalid email address; LINK_SECRET: Too small: expected string to have >=32 characters; DIRECTORY_CACHE_SECONDS: Invalid input: expected int, received number',
      'localeError',
    ]);
  }, 30_000);
});
