/**
 * Officials' sign-in links and sessions in the single table (shared/data/table.ts): one item each,
 * keyed by the SHA-256 of the secret, never the secret. DynamoDB's TTL removes them some time after
 * `expiresAt`; until then the reads below refuse them themselves.
 */
import { ConditionalCheckFailedException, DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ConditionFailed, type OfficialSession, type SessionStore, type SignInLink } from '../../shared/ports';

const linkKey = (keyHash: string) => ({ pk: `SIGNIN#${keyHash}`, sk: 'SIGNIN' });
const sessionKey = (keyHash: string) => ({ pk: `SESSION#${keyHash}`, sk: 'SESSION' });

export class DynamoSessionStore implements SessionStore {
  constructor(private readonly client: DynamoDBClient, private readonly tableName: string) {}

  async putSignInLink(link: SignInLink): Promise<void> {
    await this.putNew({ ...linkKey(link.keyHash), itemType: 'signin', ...link });
  }

  async consumeSignInLink(keyHash: string, nowEpoch: number): Promise<SignInLink | undefined> {
    try {
      // One conditional write: of two presses of the button, one signs in.
      const out = await this.client.send(new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(linkKey(keyHash)),
        UpdateExpression: 'SET usedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt) AND expiresAt > :now',
        ExpressionAttributeValues: marshall({ ':now': nowEpoch }),
        ReturnValues: 'ALL_NEW',
      }));
      const { keyHash: hash, personId, createdAt, expiresAt } = unmarshall(out.Attributes!) as SignInLink;
      return { keyHash: hash, personId, createdAt, expiresAt };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  async putSession(session: OfficialSession): Promise<void> {
    await this.putNew({ ...sessionKey(session.keyHash), itemType: 'session', ...session });
  }

  async getSession(keyHash: string, nowEpoch: number): Promise<OfficialSession | undefined> {
    const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(sessionKey(keyHash)), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { keyHash: hash, personId, directoryVersion, createdAt, expiresAt } = unmarshall(out.Item) as OfficialSession;
    return expiresAt > nowEpoch ? { keyHash: hash, personId, ...(directoryVersion !== undefined ? { directoryVersion } : {}), createdAt, expiresAt } : undefined;
  }

  async deleteSession(keyHash: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: marshall(sessionKey(keyHash)) }));
  }

  private async putNew(item: Record<string, unknown>): Promise<void> {
    try {
      await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: marshall(item, { removeUndefinedValues: true }), ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new ConditionFailed('exists');
      throw err;
    }
  }
}
