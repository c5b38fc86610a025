/**
 * The Step Functions API (JSON 1.0 protocol, `X-Amz-Target: AWSStepFunctions.<Op>`) over the local
 * engine, so that the handlers' real @aws-sdk/client-sfn reaches it through AWS_ENDPOINT_URL_SFN.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SfnError, type LocalStepFunctions } from './engine';

type Handler = (engine: LocalStepFunctions, body: Record<string, unknown>) => Promise<unknown>;

const epochSeconds = (d: Date | undefined) => (d ? d.getTime() / 1000 : undefined);

const operations: Record<string, Handler> = {
  StartExecution: async (e, b) => {
    const out = await e.startExecution({ stateMachineArn: String(b.stateMachineArn), name: b.name as string | undefined, input: b.input as string | undefined });
    return { executionArn: out.executionArn, startDate: epochSeconds(out.startDate) };
  },
  SendTaskSuccess: async (e, b) => { await e.sendTaskSuccess(String(b.taskToken), String(b.output ?? '{}')); return {}; },
  SendTaskFailure: async (e, b) => { await e.sendTaskFailure(String(b.taskToken), b.error as string | undefined, b.cause as string | undefined); return {}; },
  SendTaskHeartbeat: async (e, b) => { await e.sendTaskHeartbeat(String(b.taskToken)); return {}; },
  DescribeExecution: async (e, b) => {
    const d = e.describeExecution(String(b.executionArn));
    return { ...d, startDate: epochSeconds(d.startDate), stopDate: epochSeconds(d.stopDate) };
  },
  GetExecutionHistory: async (e, b) => ({ events: e.getExecutionHistory(String(b.executionArn)).map((h) => ({ ...h, timestamp: epochSeconds(h.timestamp) })) }),
  StopExecution: async (e, b) => ({ stopDate: epochSeconds((await e.stopExecution(String(b.executionArn), b.error as string | undefined, b.cause as string | undefined)).stopDate) }),
};

/** Starts the endpoint on 127.0.0.1 (port 0 = any free port). */
export async function startSfnServer(engine: LocalStepFunctions, port = 0): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const op = String(req.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
        const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
        const handler = operations[op];
        if (!handler) return send(400, { __type: 'UnknownOperationException', message: `Unsupported operation ${op}` });
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
          send(200, await handler(engine, body));
        } catch (err) {
          if (err instanceof SfnError) send(400, { __type: err.name, message: err.message });
          else send(500, { __type: 'InternalFailure', message: 'internal error' });
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
