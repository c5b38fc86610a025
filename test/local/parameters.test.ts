/**
 * The local stand-in of the Parameters and Secrets extension's HTTP API (infra/local/parameters.ts):
 * what the handlers' reader relies on (functions/adapters/parameters.ts, tested against it in
 * test/functions/runtime-parameters.test.ts) and the refusals the real extension and SSM make.
 */
import { parametersAnswer, type LocalParametersOptions } from '../../infra/local/parameters';

const options: LocalParametersOptions = {
  token: 'the-session-token',
  parameters: () => ({
    '/tanggap/local/public-url': { value: 'http://127.0.0.1:3000' },
    '/aws/reference/secretsmanager/tanggap-local/link-secret': { value: 'k'.repeat(43), secure: true },
  }),
};
const TOKEN = 'the-session-token';
const get = (query: string, token: string | undefined = TOKEN) => parametersAnswer('GET', `/systemsmanager/parameters/get?${query}`, token, options);

test('a String parameter: SSM\'s GetParameter result', () => {
  const { status, text } = get('name=%2Ftanggap%2Flocal%2Fpublic-url');
  expect(status).toBe(200);
  expect(JSON.parse(text)).toMatchObject({ Parameter: { Name: '/tanggap/local/public-url', Type: 'String', Value: 'http://127.0.0.1:3000' } });
});

test('a secret through its Secrets Manager reference, decrypted; refused without withDecryption, as SSM refuses', () => {
  const name = encodeURIComponent('/aws/reference/secretsmanager/tanggap-local/link-secret');
  expect(JSON.parse(get(`name=${name}&withDecryption=true`).text)).toMatchObject({ Parameter: { Type: 'SecureString', Value: 'k'.repeat(43) } });
  expect(get(`name=${name}`)).toMatchObject({ status: 400, text: expect.stringContaining('WithDecryption flag must be True') });
});

test.each([
  { what: 'no token', token: undefined, query: 'name=%2Ftanggap%2Flocal%2Fpublic-url', status: 401 },
  { what: 'another token', token: 'the-session-tokem', query: 'name=%2Ftanggap%2Flocal%2Fpublic-url', status: 401 },
  { what: 'no name', token: TOKEN, query: '', status: 400 },
  { what: 'an unknown name', token: TOKEN, query: 'name=%2Ftanggap%2Flocal%2Fnothing', status: 400 },
])('$what → $status', ({ token, query, status }) => {
  const answer = parametersAnswer('GET', `/systemsmanager/parameters/get?${query}`, token, options);
  expect(answer.status).toBe(status);
  expect(answer.text).not.toContain('127.0.0.1:3000');
});

test('only GET /systemsmanager/parameters/get is served', () => {
  expect(parametersAnswer('POST', '/systemsmanager/parameters/get?name=%2Ftanggap%2Flocal%2Fpublic-url', TOKEN, options).status).toBe(404);
  expect(parametersAnswer('GET', '/secretsmanager/get?secretId=x', TOKEN, options).status).toBe(404);
});
