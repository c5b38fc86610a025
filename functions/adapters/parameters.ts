/**
 * Values read at run time from SSM Parameter Store through the AWS Parameters and Secrets Lambda
 * Extension (a layer on the functions that read them, infra/aws/constructs/tanggap-function.ts):
 * the public URL when it is the CloudFront domain, and secrets, which SSM returns from Secrets
 * Manager under `/aws/reference/secretsmanager/<name>` (decrypted). Never put in the environment,
 * where the console and `GetFunctionConfiguration` would show them.
 *
 * The extension is an HTTP server beside the handler on localhost (PARAMETERS_SECRETS_EXTENSION_HTTP_PORT,
 * 2773 by default) that answers with SSM's own GetParameter result, so no SSM client (≈ 85 KB of every
 * bundle and its init) is carried. The local runtime serves the same API (infra/local/parameters.ts) on
 * a port of its own, named by the same variable: one code path wherever the handlers run.
 * The module reads its two variables itself, not through config.ts: the origin-verifying authorizer,
 * also a reader of parameters, has no use for the whole configuration (and zod).
 */
import { get } from 'node:http';

/** How long a value is reused before it is read again (a rotated secret is picked up within this). */
const MAX_AGE_MS = 300_000;
/** A call to the extension that has not answered by then fails (it waits on SSM itself at most 2 s, see the construct). */
const TIMEOUT_MS = 3_000;
/** Attempts on a refused or reset connection or a 5xx/429 (the extension still starting, SSM throttling), with backoff between. */
const ATTEMPTS = 3;
const DEFAULT_PORT = '2773';

const cache = new Map<string, { value: string; until: number }>();

/** A failure worth another attempt: the extension not yet listening, or SSM busy behind it. */
class Transient extends Error {}

function getJson(path: string, token: string, port: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = get({ host: 'localhost', port: Number(port), path, headers: { 'X-Aws-Parameters-Secrets-Token': token }, timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status === 200) {
          try { resolve(JSON.parse(text)); } catch { reject(new Error('the extension answered 200 with a body that is not JSON')); }
          return;
        }
        // Its body is SSM's error message (never a value): short, and useful to whoever reads the log.
        const why = `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
        reject(status >= 500 || status === 429 ? new Transient(why) : new Error(why));
      });
    });
    // Not tried again: a second wait as long would outlast the authorizer's own time-out.
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ECONNREFUSED' || err.code === 'ECONNRESET' ? new Transient(err.message) : err));
  });
}

async function fetchValue(name: string, decrypt: boolean): Promise<string> {
  const port = process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT || DEFAULT_PORT;
  // The extension admits only callers that know the function's session token (Lambda sets it).
  const token = process.env.AWS_SESSION_TOKEN;
  if (!token) throw new Error(`Parameter ${name} cannot be read: AWS_SESSION_TOKEN is not set (the Parameters and Secrets extension requires it)`);
  const path = `/systemsmanager/parameters/get?name=${encodeURIComponent(name)}${decrypt ? '&withDecryption=true' : ''}`;
  for (let attempt = 1; ; attempt++) {
    try {
      const body = (await getJson(path, token, port)) as { Parameter?: { Value?: unknown } } | null;
      const value = body?.Parameter?.Value;
      if (typeof value !== 'string' || value === '') throw new Error(`Parameter ${name} is missing or empty`);
      return value;
    } catch (err) {
      if (!(err instanceof Transient) || attempt >= ATTEMPTS) {
        throw err instanceof Error && err.message.startsWith(`Parameter ${name}`) ? err : new Error(`Parameter ${name} could not be read: ${err instanceof Error ? err.message : String(err)}`);
      }
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }
}

async function read(name: string, decrypt: boolean): Promise<string> {
  const key = `${decrypt ? 'd' : 'p'}:${name}`;
  const hit = cache.get(key);
  if (hit && hit.until > Date.now()) return hit.value;
  const value = await fetchValue(name, decrypt);
  cache.set(key, { value, until: Date.now() + MAX_AGE_MS });
  return value;
}

/** A plain String parameter. */
export const readParameter = (name: string) => read(name, false);

/** A SecureString, or a Secrets Manager secret through its `/aws/reference/secretsmanager/` name. */
export const readSecretParameter = (name: string) => read(name, true);
