/**
 * An in-memory DirectoryStore for unit tests, with the adapter's rules: versions numbered from 1,
 * immutable, the pointer moved last and only forward; copies returned as the SDK would.
 * test/functions/directory-store.contract.test.ts runs one suite against it and the DynamoDB adapter.
 */
import type { Directory } from '../../shared/directory/schema';
import { directoryDigest, directoryText, type DirectoryStore, type DirectoryVersion, type StoredDirectory } from '../../shared/directory/store';
import { ConditionFailed } from '../../shared/ports';

export class MemoryDirectoryStore implements DirectoryStore {
  private readonly versions = new Map<number, StoredDirectory>();
  private pointer: DirectoryVersion | undefined;
  /** Reads of the pointer and of versions, for tests of the cache (`importDirectory` reads the pointer too). */
  reads = { pointer: 0, version: 0 };

  async currentVersion(): Promise<DirectoryVersion | undefined> {
    this.reads.pointer++;
    return this.pointer && { ...this.pointer };
  }

  async getVersion(version: number): Promise<StoredDirectory | undefined> {
    this.reads.version++;
    const stored = this.versions.get(version);
    return stored && (JSON.parse(JSON.stringify(stored)) as StoredDirectory);
  }

  async saveVersion(directory: Directory, meta: { loadedBy: string; loadedAt: string; schema?: string }): Promise<DirectoryVersion> {
    const text = directoryText(directory);
    let version = (this.pointer?.version ?? 0) + 1;
    while (this.versions.has(version)) version++;
    const stored: DirectoryVersion = { version, ...meta, sha256: directoryDigest(text), bytes: Buffer.byteLength(text) };
    this.versions.set(version, { ...stored, document: JSON.parse(text) as unknown });
    if (this.pointer && this.pointer.version >= version) throw new ConditionFailed(`a newer directory than version ${version} was imported meanwhile`);
    this.pointer = stored;
    return { ...stored };
  }
}
