/**
 * dynalite in-process for one test file: port 0, a fresh temporary directory, the single table
 * created from functions/adapters/table-definition.ts. `stop()` awaits every teardown.
 */
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTableInput } from '../../functions/adapters/table-definition';
import { waitForActiveTable } from '../../infra/local/dynalite';

// dynalite ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;

export interface TestTable {
  endpoint: string;
  tableName: string;
  /** A client for this endpoint (fixed test credentials and region). */
  client: DynamoDBClient;
  /** Every item of the table: tests may scan; request paths never do. */
  items(): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

export async function startDynalite(tableName = 'tanggap-test'): Promise<TestTable> {
  const dir = mkdtempSync(join(tmpdir(), 'tanggap-dynalite-'));
  const server = dynalite({ path: dir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: 'ap-southeast-3', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const stop = async () => {
    client.destroy();
    await new Promise<void>((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    });
    // dynalite's LevelDB store closes with the server; the directory goes last.
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    await waitForActiveTable(client, tableName);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    endpoint,
    tableName,
    client,
    async items() {
      const all: Record<string, unknown>[] = [];
      let ExclusiveStartKey: Record<string, never> | undefined;
      do {
        const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey }));
        all.push(...(page.Items ?? []).map((i) => unmarshall(i)));
        ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
      } while (ExclusiveStartKey);
      return all;
    },
    stop,
  };
}
