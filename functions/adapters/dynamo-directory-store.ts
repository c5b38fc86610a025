/**
 * The DirectoryStore port over the single table (shared/data/table.ts):
 *
 *   pk=DIRECTORY sk=CURRENT                 the pointer: version in use, who loaded it, when, digest
 *   pk=DIRECTORY sk=V#<000000001>#META      a version's header: who, when, digest, number of chunks
 *   pk=DIRECTORY sk=V#<000000001>#C#<0000>  its gzipped JSON, cut into chunks under the 400 KB item limit
 *
 * A version is written whole (header first: it claims the number; then its chunks) before the
 * pointer moves to it, so a crash mid-import leaves an orphan nobody reads. Reading the current
 * directory is one GetItem (the pointer) and, when the version changed, one Query (its items).
 * Conditional single-item writes only; no Scan, no transaction.
 */
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Directory } from '../../shared/directory/schema';
import { directoryDigest, directoryText, type DirectoryStore, type DirectoryVersion, type StoredDirectory } from '../../shared/directory/store';
import { ConditionFailed } from '../../shared/ports';

const PK = 'DIRECTORY';
const POINTER = { pk: PK, sk: 'CURRENT' };
const versionPrefix = (version: number) => `V#${String(version).padStart(9, '0')}#`;
/** Bytes of compressed JSON per item: well under DynamoDB's 400 KB item limit with the keys. */
export const DEFAULT_CHUNK_BYTES = 300_000;

const info = (item: Record<string, unknown>): DirectoryVersion => ({
  version: Number(item.version), loadedBy: String(item.loadedBy), loadedAt: String(item.loadedAt), sha256: String(item.sha256), bytes: Number(item.bytes),
  ...(typeof item.schema === 'string' ? { schema: item.schema } : {}),
});

export class DynamoDirectoryStore implements DirectoryStore {
  constructor(private readonly client: DynamoDBClient, readonly tableName: string, private readonly chunkBytes = DEFAULT_CHUNK_BYTES) {}

  async currentVersion(): Promise<DirectoryVersion | undefined> {
    const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(POINTER), ConsistentRead: true }));
    return out.Item ? info(unmarshall(out.Item)) : undefined;
  }

  async getVersion(version: number): Promise<StoredDirectory | undefined> {
    const prefix = versionPrefix(version);
    let meta: Record<string, unknown> | undefined;
    const chunks: Buffer[] = [];
    let startKey: Record<string, never> | undefined;
    do {
      const page = await this.client.send(new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
        ExpressionAttributeValues: marshall({ ':pk': PK, ':v': prefix }),
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }));
      for (const raw of page.Items ?? []) {
        const item = unmarshall(raw);
        if (item.sk === `${prefix}META`) meta = item;
        else chunks[Number(item.index)] = Buffer.from(item.data as Uint8Array);
      }
      startKey = page.LastEvaluatedKey as typeof startKey;
    } while (startKey);
    if (!meta) return undefined;
    const count = Number(meta.chunks);
    if (chunks.length !== count || chunks.some((c) => c === undefined)) return undefined; // an import that died half-way
    const text = gunzipSync(Buffer.concat(chunks)).toString('utf8');
    if (directoryDigest(text) !== meta.sha256) return undefined;
    return { ...info(meta), document: JSON.parse(text) as unknown };
  }

  async saveVersion(directory: Directory, meta: { loadedBy: string; loadedAt: string; schema?: string }): Promise<DirectoryVersion> {
    const text = directoryText(directory);
    const packed = gzipSync(Buffer.from(text, 'utf8'));
    const chunks: Buffer[] = [];
    for (let at = 0; at < packed.length; at += this.chunkBytes) chunks.push(packed.subarray(at, at + this.chunkBytes));
    let version = ((await this.currentVersion())?.version ?? 0) + 1;
    const header = { loadedBy: meta.loadedBy, loadedAt: meta.loadedAt, sha256: directoryDigest(text), bytes: Buffer.byteLength(text), ...(meta.schema ? { schema: meta.schema } : {}) };
    // The header claims the number: an orphan left by a crashed import (or a racing one) takes the next.
    for (let attempt = 0; ; attempt++, version++) {
      try {
        await this.client.send(new PutItemCommand({
          TableName: this.tableName,
          Item: marshall({ pk: PK, sk: `${versionPrefix(version)}META`, itemType: 'directoryVersion', version, ...header, chunks: chunks.length }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }));
        break;
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException) || attempt >= 20) throw err;
      }
    }
    for (const [index, data] of chunks.entries()) {
      await this.client.send(new PutItemCommand({
        TableName: this.tableName,
        Item: marshall({ pk: PK, sk: `${versionPrefix(version)}C#${String(index).padStart(4, '0')}`, itemType: 'directoryChunk', version, index, data }),
      }));
    }
    const stored: DirectoryVersion = { version, ...header };
    try {
      await this.client.send(new PutItemCommand({
        TableName: this.tableName,
        Item: marshall({ ...POINTER, itemType: 'directoryPointer', ...stored }),
        ConditionExpression: 'attribute_not_exists(pk) OR version < :v',
        ExpressionAttributeValues: marshall({ ':v': version }),
      }));
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new ConditionFailed(`a newer directory than version ${version} was imported meanwhile`);
      throw err;
    }
    return stored;
  }
}
