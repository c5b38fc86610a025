/**
 * A small fake Step Functions endpoint (JSON 1.0 protocol) for handler tests: the real Workflow
 * adapter talks to it through AWS_ENDPOINT_URL_SFN, it records every call, and a test can make the
 * next calls of an operation fail. Port 0; `stop()` awaits the close. (The real engine is the local
 * runtime's; these tests are about the handlers.)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SfnCall {
  op: string;
  body: Record<string, any>;
}

export interface FakeSfn {
  endpoint: string;
  calls: SfnCall[];
  /** The next `times` calls of `op` answer HTTP 400 with this error type (not retried by the SDK). */
  failNext(op: string, times: number, type?: string): void;
  stop(): Promise<void>;
}

export async function startFakeSfn(): Promise<FakeSfn> {
  const calls: SfnCall[] = [];
  const failures = new Map<string, { times: number; type: string }>();
  const executions = new Map<string, string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const op = String(req.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, any>;
      calls.push({ op, body });
      const send = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(value));
      const failure = failures.get(op);
      if (failure && failure.times > 0) {
        failure.times--;
        return send(400, { __type: failure.type, message: `${op} refused by the test` });
      }
      if (op === 'StartExecution') {
        const arn = `${String(body.stateMachineArn).replace(':stateMachine:', ':execution:')}:${body.name}`;
        const existing = executions.get(arn);
        if (existing !== undefined && existing !== body.input) return send(400, { __type: 'ExecutionAlreadyExists', message: arn });
        executions.set(arn, body.input);
        return send(200, { executionArn: arn, startDate: 1 });
      }
      if (op === 'SendTaskSuccess' || op === 'SendTaskFailure') return send(200, {});
      return send(400, { __type: 'UnknownOperationException', message: op });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    failNext(op, times, type = 'ServiceUnavailableForTest') { failures.set(op, { times, type }); },
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
