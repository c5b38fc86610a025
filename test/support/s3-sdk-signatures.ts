/**
 * Presigned POSTs and GETs as @aws-sdk/client-s3 3.1162.0, @aws-sdk/s3-presigned-post 3.1162.0 and
 * @aws-sdk/s3-request-presigner 3.1162.0 made them, for fixed credentials and a fixed time, before
 * those packages were removed: test/functions/s3-file-store.test.ts checks that the file store's own
 * signing (functions/adapters/s3-file-store.ts) produces the same URLs, fields, policies and
 * signatures. Made once with `npx tsx make.ts > out.json` (the JSON is pasted below), where make.ts was:
 *
 * import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';
 * import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
 * import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
 * const at = Date.parse('2026-12-05T06:00:00Z');
 * Date.now = () => at;
 * const out: unknown[] = [];
 * async function main() {
 *   for (const [label, endpoint] of [['aws', undefined], ['local', 'http://127.0.0.1:4569']] as const) {
 *     for (const sessionToken of [undefined, 'IQoJb3JpZ2luX2VjEXAMPLE/TOKEN+with=chars']) {
 *       const client = new S3Client({ region: 'ap-southeast-3', endpoint, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken }, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
 *       const post = await createPresignedPost(client, {
 *         Bucket: 'tanggap-test-files', Key: 'uploads/0123abcd',
 *         Conditions: [['content-length-range', 1, 10485760], ['eq', '$Content-Type', 'image/jpeg']],
 *         Fields: { 'Content-Type': 'image/jpeg' }, Expires: 900,
 *       });
 *       // As s3-file-store.ts's contentDisposition writes it for this name.
 *       const fileName = 'Foto "jalan" rusak (1) 🙂.jpg';
 *       const disposition = `inline; filename="${fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
 *       const get = await getSignedUrl(client, new GetObjectCommand({ Bucket: 'tanggap-test-files', Key: 'cases/PGD-1/a b+c.jpg', ResponseContentType: 'image/jpeg', ResponseContentDisposition: disposition, ResponseCacheControl: 'private, no-store' }), { expiresIn: 300, signingDate: new Date(at) });
 *       // An extra exact-match field (a form posted without JavaScript comes back to this page).
 *       const redirect = 'https://pengaduan.example.go.id/lampiran/selesai?u=0123abcd&x="<a>"';
 *       const postWithField = await createPresignedPost(client, {
 *         Bucket: 'tanggap-test-files', Key: 'uploads/0123abcd',
 *         Conditions: [['content-length-range', 1, 10485760], ['eq', '$Content-Type', 'image/jpeg']],
 *         Fields: { success_action_redirect: redirect, 'Content-Type': 'image/jpeg' }, Expires: 900,
 *       });
 *       out.push({ label, sessionToken: sessionToken ?? null, post, get, fileName, disposition, redirect, postWithField });
 *     }
 *   }
 *   console.log(JSON.stringify(out, null, 2));
 * }
 * main();
 */

export interface SdkSigned {
  label: 'aws' | 'local';
  sessionToken: string | null;
  post: { url: string; fields: Record<string, string> };
  get: string;
  fileName: string;
  disposition: string;
  redirect: string;
  postWithField: { url: string; fields: Record<string, string> };
}

export const SIGNED_AT = Date.parse('2026-12-05T06:00:00Z');
export const ACCESS_KEY_ID = 'AKIDEXAMPLE';
export const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

export const sdkSigned: SdkSigned[] = [
  {
    "label": "aws",
    "sessionToken": null,
    "post": {
      "url": "https://tanggap-test-files.s3.ap-southeast-3.amazonaws.com/",
      "fields": {
        "Content-Type": "image/jpeg",
        "bucket": "tanggap-test-files",
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": "AKIDEXAMPLE/20261205/ap-southeast-3/s3/aws4_request",
        "X-Amz-Date": "20261205T060000Z",
        "key": "uploads/0123abcd",
        "Policy": "eyJleHBpcmF0aW9uIjoiMjAyNi0xMi0wNVQwNjoxNTowMFoiLCJjb25kaXRpb25zIjpbWyJjb250ZW50LWxlbmd0aC1yYW5nZSIsMSwxMDQ4NTc2MF0sWyJlcSIsIiRDb250ZW50LVR5cGUiLCJpbWFnZS9qcGVnIl0seyJDb250ZW50LVR5cGUiOiJpbWFnZS9qcGVnIn0seyJidWNrZXQiOiJ0YW5nZ2FwLXRlc3QtZmlsZXMifSx7IlgtQW16LUFsZ29yaXRobSI6IkFXUzQtSE1BQy1TSEEyNTYifSx7IlgtQW16LUNyZWRlbnRpYWwiOiJBS0lERVhBTVBMRS8yMDI2MTIwNS9hcC1zb3V0aGVhc3QtMy9zMy9hd3M0X3JlcXVlc3QifSx7IlgtQW16LURhdGUiOiIyMDI2MTIwNVQwNjAwMDBaIn0seyJrZXkiOiJ1cGxvYWRzLzAxMjNhYmNkIn1dfQ==",
        "X-Amz-Signature": "af944ce334db78bd81080474fe3d9180ebc270b8112a20b9784c82f60db13df3"
      }
    },
    "get": "https://tanggap-test-files.s3.ap-southeast-3.amazonaws.com/cases/PGD-1/a%20b%2Bc.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD&X-Amz-Credential=AKIDEXAMPLE%2F20261205%2Fap-southeast-3%2Fs3%2Faws4_request&X-Amz-Date=20261205T060000Z&X-Amz-Expires=300&X-Amz-Signature=fec44af7c741d0f7f099c0f1e8344a9b349a8b21178e9b5c5f461dd0b82f770d&X-Amz-SignedHeaders=host&response-cache-control=private%2C%20no-store&response-content-disposition=inline%3B%20filename%3D%22Foto%20_jalan_%20rusak%20%281%29%20__.jpg%22%3B%20filename%2A%3DUTF-8%27%27Foto%2520%2522jalan%2522%2520rusak%2520%281%29%2520%25F0%259F%2599%2582.jpg&response-content-type=image%2Fjpeg&x-id=GetObject",
    "fileName": "Foto \"jalan\" rusak (1) 🙂.jpg",
    "disposition": "inline; filename=\"Foto _jalan_ rusak (1) __.jpg\"; filename*=UTF-8''Foto%20%22jalan%22%20rusak%20(1)%20%F0%9F%99%82.jpg",
    "redirect": "https://pengaduan.example.go.id/lampiran/selesai?u=0123abcd&x=\"<a>\"",
    "postWithField": {
      "url": "https://tanggap-test-files.s3.ap-southeast-3.amazonaws.com/",
      "fields": {
        "success_action_redirect": "https://pengaduan.example.go.id/lampiran/selesai?u=0123abcd&x=\"<a>\"",
        "Content-Type": "image/jpeg",
        "bucket": "tanggap-test-files",
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": "AKIDEXAMPLE/20261205/ap-southeast-3/s3/aws4_request",
        "X-Amz-Date": "20261205T060000Z",
        "key": "uploads/0123abcd",
        "Policy": "eyJleHBpcmF0aW9uIjoiMjAyNi0xMi0wNVQwNjoxNTowMFoiLCJjb25kaXRpb25zIjpbWyJjb250ZW50LWxlbmd0aC1yYW5nZSIsMSwxMDQ4NTc2MF0sWyJlcSIsIiRDb250ZW50LVR5cGUiLCJpbWFnZS9qcGVnIl0seyJzdWNjZXNzX2FjdGlvbl9yZWRpcmVjdCI6Imh0dHBzOi8vcGVuZ2FkdWFuLmV4YW1wbGUuZ28uaWQvbGFtcGlyYW4vc2VsZXNhaT91PTAxMjNhYmNkJng9XCI8YT5cIiJ9LHsiQ29udGVudC1UeXBlIjoiaW1hZ2UvanBlZyJ9LHsiYnVja2V0IjoidGFuZ2dhcC10ZXN0LWZpbGVzIn0seyJYLUFtei1BbGdvcml0aG0iOiJBV1M0LUhNQUMtU0hBMjU2In0seyJYLUFtei1DcmVkZW50aWFsIjoiQUtJREVYQU1QTEUvMjAyNjEyMDUvYXAtc291dGhlYXN0LTMvczMvYXdzNF9yZXF1ZXN0In0seyJYLUFtei1EYXRlIjoiMjAyNjEyMDVUMDYwMDAwWiJ9LHsia2V5IjoidXBsb2Fkcy8wMTIzYWJjZCJ9XX0=",
        "X-Amz-Signature": "3d338bcf2c57adc482c818f9e9b91e19c8233ea2c7618c5e3de122e0f7ccd243"
      }
    }
  },
  {
    "label": "aws",
    "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLE/TOKEN+with=chars",
    "post": {
      "url": "https://tanggap-test-files.s3.ap-southeast-3.amazonaws.com/",
      "fields": {
        "Content-Type": "image/jpeg",
        "bucket": "tanggap-test-files",
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": "AKIDEXAMPLE/20261205/ap-southeast-3/s3/aws4_request",
        "X-Amz-Date": "20261205T060000Z",
        "X-Amz-Security-Token": "IQoJb3JpZ2luX2VjEXAMPLE/TOKEN+with=chars",
        "key": "uploads/0123abcd",
        "Policy": "eyJleHBpcmF0aW9uIjoiMjAyNi0xMi0wNVQwNjoxNTowMFoiLCJjb25kaXRpb25zIjpbWyJjb250ZW50LWxlbmd0aC1yYW5nZSIsMSwxMDQ4NTc2MF0sWyJlcSIsIiRDb250ZW50LVR5cGUiLCJpbWFnZS9qcGVnIl0seyJDb250ZW50LVR5cGUiOiJpbWFnZS9qcGVnIn0seyJidWNrZXQiOiJ0YW5nZ2FwLXRlc3QtZmlsZXMifSx7IlgtQW16LUFsZ29yaXRobSI6IkFXUzQtSE1BQy1TSEEyNTYifSx7IlgtQW16LUNyZWRlbnRpYWwiOiJBS0lERVhBTVBMRS8yMDI2MTIwNS9hcC1zb3V0aGVhc3QtMy9zMy9hd3M0X3JlcXVlc3QifSx7IlgtQW16LURhdGUiOiIyMDI2MTIwNVQwNjAwMDBaIn0seyJYLUFtei1TZWN1cml0eS1Ub2tlbiI6IklRb0piM0pwWjJsdVgyVmpFWEFNUExFL1RPS0VOK3dpdGg9Y2hhcnMifSx7ImtleSI6InVwbG9hZHMvMDEyM2FiY2QifV19",
        "X-Amz-Signature": "92243b27ebe7d3e7032860209dd23c6eec880b9b72600e33183a98d70a98c413"
      }
    },
    "get": "https://tanggap-test-files.s3.ap-southeast-3.amazonaws.com/cases/PGD-1/a%20b%2Bc.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD&X-Amz-Credential=AKIDEXAMPLE%2F20261205%2Fap-southeast-3%2Fs3%2Faws4_request&X-Amz-Date=20261205T060000Z&X-Amz-Expires=300&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEXAMPLE%2FTOKEN%2Bwith%3Dchars&X-Amz-Signature=19567ed9e0c1538a09a4647108947f5a2c3e882a14b8281bfd0d5a0b1cce2c2a&X-Amz-SignedHeaders=host&response-cache-control=private%2C%20no-store&response-content-disposition=inline%3B%20filename%3D%22Foto%20_jalan_%20rusak%20%281%29%20__.jpg%22%3B%20filename%2A%3DUTF-8%27%27Foto%2520%2522jalan%2522%2520rusak%2520%281%29%2520%25F0%259F%2599%2582.jpg&response-content-type=image%2Fjpeg&x-id=GetObject",
    "fileName": "Foto \"jalan\" rusak (1) 🙂.jpg",
    "disposition": "inline; filename=\"Foto _jalan_ rusak (1) __.jpg\"; filename*=UTF-8''Foto%20%22jalan%22%20rusak%20(1)%20%F0%9F%99%82.jpg",
    "redirect": "https://pengaduan.example.go.id/lampiran/selesai?u=0123abcd&x=\"<a>\"",
    "postWithField": {
      "url": "https://tanggap-test-files.s3.ap-southeast-3.amazonaws.com/",
      "fields": {
        "success_action_redirect": "https://pengaduan.example.go.id/lampiran/selesai?u=0123abcd&x=\"<a>\"",
        "Content-Type": "image/jpeg",
        "bucket": "tanggap-test-files",
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": "AKIDEXAMPLE/20261205/ap-southeast-3/s3/aws4_request",
        "X-Amz-Date": "20261205T060000Z",
        "X-Amz-Security-Token": "IQoJb3JpZ2luX2VjEXAMPLE/TOKEN+with=chars",
        "key": "uploads/0123abcd",
        "Policy": "eyJleHBpcmF0aW9uIjoiMjAyNi0xMi0wNVQwNjoxNTowMFoiLCJjb25kaXRpb25zIjpbWyJjb250ZW50LWxlbmd0aC1yYW5nZSIsMSwxMDQ4NTc2MF0sWyJlcSIsIiRDb250ZW50LVR5cGUiLCJpbWFnZS9qcGVnIl0seyJzdWNjZXNzX2FjdGlvbl9yZWRpcmVjdCI6Imh0dHBzOi8vcGVuZ2FkdWFuLmV4YW1wbGUuZ28uaWQvbGFtcGlyYW4vc2VsZXNhaT91PTAxMjNhYmNkJng9XCI8YT5cIiJ9LHsiQ29udGVudC1UeXBlIjoiaW1hZ2UvanBlZyJ9LHsiYnVja2V0IjoidGFuZ2dhcC10ZXN0LWZpbGVzIn0seyJYLUFtei1BbGdvcml0aG0iOiJBV1M0LUhNQUMtU0hBMjU2In0seyJYLUFtei1DcmVkZW50aWFsIjoiQUtJREVYQU1QTEUvMjAyNjEyMDUvYXAtc291dGhlYXN0LTMvczMvYXdzNF9yZXF1ZXN0In0seyJYLUFtei1EYXRlIjoiMjAyNjEyMDVUMDYwMDAwWiJ9LHsiWC1BbXotU2VjdXJpdHktVG9rZW4iOiJJUW9KYjNKcFoybHVYMlZqRVhBTVBMRS9UT0tFTit3aXRoPWNoYXJzIn0seyJrZXkiOiJ1cGxvYWRzLzAxMjNhYmNkIn1dfQ==",
        "X-Amz-Signature": "ab92c2f33d81f1a8998e22303bf3169f50df532b62ea3767b0f248741bca05d6"
      }
    }
  },
  {
    "label": "local",
    "sessionToken": null,
    "post": {
      "url": "http://127.0.0.1:4569/tanggap-test-files",
      "fields": {
        "Content-Type": "image/jpeg",
        "bucket": "tanggap-test-files",
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": "AKIDEXAMPLE/20261205/ap-southeast-3/s3/aws4_request",
        "X-Amz-Date": "20261205T060000Z",
        "key": "uploads/0123abcd",
        "Policy": "eyJleHBpcmF0aW9uIjoiMjAyNi0xMi0wNVQwNjoxNTowMFoiLCJjb25kaXRpb25zIjpbWyJjb250ZW50LWxlbmd0aC1yYW5nZSIsMSwxMDQ4NTc2MF0sWyJlcSIsIiRDb250ZW50LVR5cGUiLCJpbWFnZS9qcGVnIl0seyJDb250ZW50LVR5cGUiOiJpbWFnZS9qcGVnIn0seyJidWNrZXQiOiJ0YW5nZ2FwLXRlc3QtZmlsZXMifSx7IlgtQW16LUFsZ29yaXRobSI6IkFXUzQtSE1BQy1TSEEyNTYifSx7IlgtQW16LUNyZWRlbnRpYWwiOiJBS0lERVhBTVBMRS8yMDI2MTIwNS9hcC1zb3V0aGVhc3QtMy9zMy9hd3M0X3JlcXVlc3QifSx7IlgtQW16LURhdGUiOiIyMDI2MTIwNVQwNjAwMDBaIn0seyJrZXkiOiJ1cGxvYWRzLzAxMjNhYmNkIn1dfQ==",
        "X-Amz-Signature": "af944ce334db78bd81080474fe3d9180ebc270b8112a20b9784c82f60db13df3"
      }
    },
    "get": "http://127.0.0.1:4569/tanggap-test-files/cases/PGD-1/a%20b%2Bc.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD&X-Amz-Credential=AKIDEXAMPLE%2F20261205%2Fap-southeast-3%2Fs3%2Faws4_request&X-Amz-Date=20261205T060000Z&X-Amz-Expires=300&X-Amz-Signature=92f9919cc64d7f50c7d4f61b9d64b4561e166fe0b8310823ab6a929c789e38e0&X-Amz-SignedHeaders=host&response-cache-control=private%2C%20no-store&response-content-disposition=inline%3B%20filename%3D%22Foto%20_jalan_%20rusak%20%281%29%20__.jpg%22%3B%20filename%2A%3DUTF-8%27%27Foto%2520%2522jalan%2522%2520rusak%2520%281%29%2520%25F0%259F%2599%2582.jpg&response-content-type=image%2Fjpeg&x-id=GetObject",
    "fileName": "Foto \"jalan\" rusak (1) 🙂.jpg",
    "disposition": "inline; filename=\"Foto _jalan_ rusak (1) __.jpg\"; filename*=UTF-8''Foto%20%22jalan%22%20rusak%20(1)%20%F0%9F%99%82.jpg",
    "redirect": "https://pengaduan.example.go.id/lampiran/selesai?u=0123abcd&x=\"<a>\"",
    "postWithField": {
      "url": "http://127.0.0.1:4569/tanggap-test-files",
      "fields": {
        "success_action_redirect": "https://pengaduan.example.go.id/lampiran/selesai?u=0123abcd&x=\"<a>\"",
        "Content-Type": "image/jpeg",
        "bucket": "tanggap-test-files",
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": "AKIDEXAMPLE/20261205/ap-southeast-3/s3/aws4_request",
        "X-Amz-Date": "20261205T060000Z",
        "key": "uploads/0123abcd",
        "Policy": "eyJleHBpcmF0aW9uIjoiMjAyNi0xMi0wNVQwNjoxNTowMFoiLCJjb25kaXRpb25zIjpbWyJjb250ZW50LWxlbmd0aC1yYW5nZSIsMSwxMDQ4NTc2MF0sWyJlcSIsIiRDb250ZW50LVR5cGUiLCJpbWFnZS9qcGVnIl0seyJzdWNjZXNzX2FjdGlvbl9yZWRpcmVjdCI6Imh0dHBzOi8vcGVuZ2FkdWFuLmV4YW1wbGUuZ28uaWQvbGFtcGlyYW4vc2VsZXNhaT91PTAxMjNhYmNkJng9XCI8YT5cIiJ9LHsiQ29udGVudC1UeXBlIjoiaW1hZ2UvanBlZyJ9LHsiYnVja2V0IjoidGFuZ2dhcC10ZXN0LWZpbGVzIn0seyJYLUFtei1BbGdvcml0aG0iOiJBV1M0LUhNQUMtU0hBMjU2In0seyJYLUFtei1DcmVkZW50aWFsIjoiQUtJREVYQU1QTEUvMjAyNjEyMDUvYXAtc291dGhlYXN0LTMvczMvYXdzNF9yZXF1ZXN0In0seyJYLUFtei1EYXRlIjoiMjAyNjEyMDVUMDYwMDAwWiJ9LHsia2V5IjoidXBsb2Fkcy8wMTIzYWJjZCJ9XX0=",
        "X-Amz-Signature": "3d338bcf2c57adc482c818f9e9b91e19c8233ea2c7618c5e3de122e0f7ccd243"
      }
    }
  },
  {
    "label": "local",
    "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLE/TOKEN+with=chars",
    "post": {
      "url": "http://127.0.0.1:4569/tanggap-test-files",
      "fields": {
        "Content-Type": "image/jpeg",
        "bucket": "tanggap-test-files",
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": "AKIDEXAMPLE/20261205/ap-southeast-3/s3/aws4_request",
        "X-Amz-Date": "20261205T060000Z",
        "X-Amz-Security-Token": "IQoJb3JpZ2luX2VjEXAMPLE/TOKEN+with=chars",
        "key": "uploads/0123abcd",
        "Policy": "eyJleHBpcmF0aW9uIjoiMjAyNi0xMi0wNVQwNjoxNTowMFoiLCJjb25kaXRpb25zIjpbWyJjb250ZW50LWxlbmd0aC1yYW5nZSIsMSwxMDQ4NTc2MF0sWyJlcSIsIiRDb250ZW50LVR5cGUiLCJpbWFnZS9qcGVnIl0seyJDb250ZW50LVR5cGUiOiJpbWFnZS9qcGVnIn0seyJidWNrZXQiOiJ0YW5nZ2FwLXRlc3QtZmlsZXMifSx7IlgtQW16LUFsZ29yaXRobSI6IkFXUzQtSE1BQy1TSEEyNTYifSx7IlgtQW16LUNyZWRlbnRpYWwiOiJBS0lERVhBTVBMRS8yMDI2MTIwNS9hcC1zb3V0aGVhc3QtMy9zMy9hd3M0X3JlcXVlc3QifSx7IlgtQW16LURhdGUiOiIyMDI2MTIwNVQwNjAwMDBaIn0seyJYLUFtei1TZWN1cml0eS1Ub2tlbiI6IklRb0piM0pwWjJsdVgyVmpFWEFNUExFL1RPS0VOK3dpdGg9Y2hhcnMifSx7ImtleSI6InVwbG9hZHMvMDEyM2FiY2QifV19",
        "X-Amz-Signature": "92243b27ebe7d3e7032860209dd23c6eec880b9b72600e33183a98d70a98c413"
      }
    },
    "get": "http://127.0.0.1:4569/tanggap-test-files/cases/PGD-1/a%20b%2Bc.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD&X-Amz-Credential=AKIDEXAMPLE%2F20261205%2Fap-southeast-3%2Fs3%2Faws4_request&X-Amz-Date=20261205T060000Z&X-Amz-Expires=300&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEXAMPLE%2FTOKEN%2Bwith%3Dchars&X-Amz-Signature=c386eb6a0f4101fb318b7c4e3e4039dcb7e5733e4168179202797e13dc02428d&X-Amz-SignedHeaders=host&response-cache-control=private%2C%20no-store&response-content-disposition=inline%3B%20filename%3D%22Foto%20_jalan_%20rusak%20%281%29%20__.jpg%22%3B%20filename%2A%3DUTF-8%27%27Foto%2520%2522jalan%2522%2520rusak%2520%281%29%2520%25F0%259F%2599%2582.jpg&response-content-type=image%2Fjpeg&x-id=GetObject",
    "fileName": "Foto \"jalan\" rusak (1) 🙂.jpg",
    "disposition": "inline; filename=\"Foto _jalan_ rusak (1) __.jpg\"; filename*=UTF-8''Foto%20%22jalan%22%20rusak%20(1)%20%F0%9F%99%82.jpg",
    "redirect": "https://pengaduan.example.go.id/lampiran/selesai?u=0123abcd&x=\"<a>\"",
    "postWithField": {
      "url": "http://127.0.0.1:4569/tanggap-test-files",
      "fields": {
        "success_action_redirect": "https://pengaduan.example.go.id/lampiran/selesai?u=0123abcd&x=\"<a>\"",
        "Content-Type": "image/jpeg",
        "bucket": "tanggap-test-files",
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": "AKIDEXAMPLE/20261205/ap-southeast-3/s3/aws4_request",
        "X-Amz-Date": "20261205T060000Z",
        "X-Amz-Security-Token": "IQoJb3JpZ2luX2VjEXAMPLE/TOKEN+with=chars",
        "key": "uploads/0123abcd",
        "Policy": "eyJleHBpcmF0aW9uIjoiMjAyNi0xMi0wNVQwNjoxNTowMFoiLCJjb25kaXRpb25zIjpbWyJjb250ZW50LWxlbmd0aC1yYW5nZSIsMSwxMDQ4NTc2MF0sWyJlcSIsIiRDb250ZW50LVR5cGUiLCJpbWFnZS9qcGVnIl0seyJzdWNjZXNzX2FjdGlvbl9yZWRpcmVjdCI6Imh0dHBzOi8vcGVuZ2FkdWFuLmV4YW1wbGUuZ28uaWQvbGFtcGlyYW4vc2VsZXNhaT91PTAxMjNhYmNkJng9XCI8YT5cIiJ9LHsiQ29udGVudC1UeXBlIjoiaW1hZ2UvanBlZyJ9LHsiYnVja2V0IjoidGFuZ2dhcC10ZXN0LWZpbGVzIn0seyJYLUFtei1BbGdvcml0aG0iOiJBV1M0LUhNQUMtU0hBMjU2In0seyJYLUFtei1DcmVkZW50aWFsIjoiQUtJREVYQU1QTEUvMjAyNjEyMDUvYXAtc291dGhlYXN0LTMvczMvYXdzNF9yZXF1ZXN0In0seyJYLUFtei1EYXRlIjoiMjAyNjEyMDVUMDYwMDAwWiJ9LHsiWC1BbXotU2VjdXJpdHktVG9rZW4iOiJJUW9KYjNKcFoybHVYMlZqRVhBTVBMRS9UT0tFTit3aXRoPWNoYXJzIn0seyJrZXkiOiJ1cGxvYWRzLzAxMjNhYmNkIn1dfQ==",
        "X-Amz-Signature": "ab92c2f33d81f1a8998e22303bf3169f50df532b62ea3767b0f248741bca05d6"
      }
    }
  }
];
