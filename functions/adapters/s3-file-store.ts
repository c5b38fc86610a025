/**
 * The file store on S3 (a private bucket: nothing in it is public). Uploads are presigned POSTs whose
 * policy fixes the key, the Content-Type and the size range, so S3 itself refuses a larger file;
 * reads for browsers are presigned GETs that expire within minutes. Locally the same calls reach the
 * runtime's S3 stand-in (AWS_ENDPOINT_URL_S3).
 */
import { GetObjectCommand, HeadObjectCommand, NotFound, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { FileStore, UploadTarget } from '../../shared/ports';

const isMissing = (err: unknown) => err instanceof NoSuchKey || err instanceof NotFound || (err instanceof Error && (err.name === 'NotFound' || err.name === 'NoSuchKey'));

/** A header value holding a person's file name: RFC 5987 (UTF-8, percent-encoded), with an ASCII fallback. */
function contentDisposition(inline: boolean, fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export class S3FileStore implements FileStore {
  constructor(private readonly client: S3Client, private readonly bucket: string) {}

  async uploadTarget(key: string, c: { maxBytes: number; contentType?: string; expiresSeconds: number; redirect?: string }): Promise<UploadTarget> {
    const { url, fields } = await createPresignedPost(this.client, {
      Bucket: this.bucket,
      Key: key,
      Conditions: [['content-length-range', 1, c.maxBytes], ...(c.contentType ? [['eq', '$Content-Type', c.contentType] as ['eq', string, string]] : []), ...(c.redirect ? [['eq', '$success_action_redirect', c.redirect] as ['eq', string, string]] : [])],
      Fields: { ...(c.contentType ? { 'Content-Type': c.contentType } : {}), ...(c.redirect ? { success_action_redirect: c.redirect } : {}) },
      Expires: c.expiresSeconds,
    });
    return { url, fields, expiresAt: Math.floor(Date.now() / 1000) + c.expiresSeconds };
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async read(key: string): Promise<Uint8Array | undefined> {
    try {
      const got = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return got.Body ? await got.Body.transformToByteArray() : new Uint8Array();
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async write(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: contentType, ContentLength: bytes.length }));
  }

  async readUrl(key: string, o: { expiresSeconds: number; contentType: string; fileName: string; inline: boolean }): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({
      Bucket: this.bucket, Key: key, ResponseContentType: o.contentType, ResponseContentDisposition: contentDisposition(o.inline, o.fileName), ResponseCacheControl: 'private, no-store',
    }), { expiresIn: o.expiresSeconds });
  }
}

