/** A FileStore in memory for unit tests: objects by key; writes can be made to fail (a crash mid-run). */
import type { FileStore, UploadTarget } from '../../shared/ports';

export class MemoryFileStore implements FileStore {
  readonly objects = new Map<string, { bytes: Uint8Array; contentType: string }>();
  /** Throws on the write whose key matches, once. */
  failWrite?: RegExp;

  async uploadTarget(key: string, c: { maxBytes: number; contentType?: string; expiresSeconds: number; redirect?: string }): Promise<UploadTarget> {
    return { url: 'https://files.example/upload', fields: { key, ...(c.contentType ? { 'Content-Type': c.contentType } : {}), ...(c.redirect ? { success_action_redirect: c.redirect } : {}) }, expiresAt: 0 };
  }
  async size(key: string) { return this.objects.get(key)?.bytes.length; }
  async read(key: string) { return this.objects.get(key)?.bytes; }
  async write(key: string, bytes: Uint8Array, contentType: string) {
    if (this.failWrite?.test(key)) {
      this.failWrite = undefined;
      throw Object.assign(new Error('crashed'), { name: 'Crash' });
    }
    this.objects.set(key, { bytes: new Uint8Array(bytes), contentType });
  }
  async readUrl(key: string, o: { expiresSeconds: number }) { return `https://files.example/${key}?expires=${o.expiresSeconds}`; }
}
