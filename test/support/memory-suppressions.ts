/** An in-memory SuppressionList for unit tests (copies in and out, as DynamoDB gives them). */
import type { Suppression, SuppressionList } from '../../shared/ports';

export class MemorySuppressionList implements SuppressionList {
  readonly records = new Map<string, Suppression>();

  async get(addressHash: string): Promise<Suppression | undefined> {
    const r = this.records.get(addressHash);
    return r && { ...r };
  }

  async put(record: Suppression): Promise<void> {
    this.records.set(record.addressHash, { ...record });
  }
}
