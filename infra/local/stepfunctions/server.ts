/**
 * The Step Functions API (JSON 1.0 protocol, `X-Amz-Target: AWSStepFunctions.<Op>`) over the local
 * engine, so that the handlers' real @aws-sdk/client-sfn reaches it through AWS_ENDPOINT_URL_SFN.
 * Errors are AWS-shaped (`__type` and `x-amzn-ErrorType`), so the SDK raises its own exception classes
 * (ExecutionAlreadyExists, TaskDoesNotExist, …) exactly as against AWS.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SfnError, type LocalStepFunctions } from './engine';

type Body = Record<string, unknown>;
type Handler = (engine: LocalStepFunctions, body: Body) => Promise<unknown>;

/** Step Functions accepts requests up to 1 MiB (inputs and outputs are limited to 256 KiB). */
const MAX_REQUEST_BYTES = 1024 * 1024;
const MAX_PAYLOAD_CHARS = 256 * 1024;

const epochSeconds = (d: Date | undefined) => (d ? d.getTime() / 1000 : undefined);

/** A required string member of the request, or a ValidationException naming it. */
function required(body: Body, member: string): string {
  const value = body[member];
  if (typeof value !== 'string' || value.length === 0) throw new SfnError('ValidationException', `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must not be null`);
  return value;
}

/** An optional string member (undefined when absent), or a ValidationException when of another type. */
function optional(body: Body, member: string, maxLength?: number): string | undefined {
  const value = body[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new SfnError('ValidationException', `1 validation error detected: Value at '${member}' must be a string`);
  if (maxLength !== undefined && value.length > maxLength) throw new SfnError('ValidationException', `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${maxLength}`);
  return value;
}

const operations: Record<string, Handler> = {
  StartExecution: async (e, b) => {
    const input = optional(b, 'input', MAX_PAYLOAD_CHARS);
    const out = await e.startExecution({ stateMachineArn: required(b, 'stateMachineArn'), name: optional(b, 'name'), input });
    return { executionArn: out.executionArn, startDate: epochSeconds(out.startDate) };
  },
  SendTaskSuccess: async (e, b) => {
    const output = optional(b, 'output', MAX_PAYLOAD_CHARS);
    if (output === undefined) required(b, 'output');
    await e.sendTaskSuccess(required(b, 'taskToken'), output!);
    return {};
  },
  SendTaskFailure: async (e, b) => {
    await e.sendTaskFailure(required(b, 'taskToken'), optional(b, 'error', 256), optional(b, 'cause', 32_768));
    return {};
  },
  SendTaskHeartbeat: async (e, b) => {
    await e.sendTaskHeartbeat(required(b, 'taskToken'));
    return {};
  },
  DescribeExecution: async (e, b) => {
    const d = e.describeExecution(required(b, 'executionArn'));
    const { currentState: _local, ...shape } = d;
    return { ...shape, startDate: epochSeconds(d.startDate), stopDate: epochSeconds(d.stopDate) };
  },
  GetExecutionHistory: async (e, b) => {
    const events = e.getExecutionHistory(required(b, 'executionArn')).map((h) => ({ ...h, previousEventId: h.id - 1, timestamp: epochSeconds(h.timestamp) }));
    return { events: b.reverseOrder === true ? events.reverse() : events };
  },
  StopExecution: async (e, b) => ({
    stopDate: epochSeconds((await e.stopExecution(required(b, 'executionArn'), optional(b, 'error', 256), optional(b, 'cause', 32_768))).stopDate),
  }),
};

/** Starts the endpoint on 127.0.0.1 (port 0 = any free port). */
export async function startSfnServer(engine: LocalStepFunctions, port = 0): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown, errorType?: string) => {
      const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() };
      if (errorType) headers['x-amzn-errortype'] = errorType;
      res.writeHead(status, headers).end(JSON.stringify(body));
    };
    const fail = (status: number, type: string, message: string) => send(status, { __type: type, message }, type);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      void (async () => {
        if (req.method !== 'POST') return fail(400, 'UnknownOperationException', 'Step Functions is called with POST');
        if (size > MAX_REQUEST_BYTES) return fail(413, 'RequestEntityTooLargeException', `Requests are limited to ${MAX_REQUEST_BYTES} bytes`);
        const target = String(req.headers['x-amz-target'] ?? '');
        const handler = target.startsWith('AWSStepFunctions.') ? operations[target.slice('AWSStepFunctions.'.length)] : undefined;
        if (!handler) return fail(400, 'UnknownOperationException', `Unsupported operation: ${target || '(no X-Amz-Target)'}`);
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        } catch {
          return fail(400, 'SerializationException', 'The request body is not JSON');
        }
        if (!body || typeof body !== 'object' || Array.isArray(body)) return fail(400, 'SerializationException', 'The request body must be a JSON object');
        try {
          send(200, await handler(engine, body as Body));
        } catch (err) {
          if (err instanceof SfnError) fail(400, err.name, err.message);
          else fail(500, 'InternalFailure', 'The local Step Functions engine failed; see the runtime log');
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
