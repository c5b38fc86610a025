/**
 * The form page's CSP names the origin its script posts uploads to: on AWS it must be the very origin
 * of the presigned POST the file store builds (else the browser refuses the upload), which is the one
 * the SDK built (test/support/s3-sdk-signatures.ts); locally the stand-in's.
 */
import { S3FileStore } from '../../functions/adapters/s3-file-store';
import { uploadOrigin } from '../../functions/adapters/files-origin';
import { sdkSigned } from '../support/s3-sdk-signatures';

const credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' });

test('on AWS: the origin of the presigned POST (regional virtual-hosted name), as the SDK made it', async () => {
  const bucket = 'tanggap-prod-files-123456789012-ap-southeast-3';
  const { url } = await new S3FileStore({ region: 'ap-southeast-3', credentials }, bucket).uploadTarget('uploads/u1', { maxBytes: 10, contentType: 'image/png', expiresSeconds: 60 });
  expect(uploadOrigin(bucket, 'ap-southeast-3', undefined)).toBe(new URL(url).origin);
  const sdk = sdkSigned.find((f) => f.label === 'aws')!;
  expect(uploadOrigin('tanggap-test-files', 'ap-southeast-3', undefined)).toBe(new URL(sdk.post.url).origin);
});

test('locally: the configured endpoint (path-style stand-in)', async () => {
  const { url } = await new S3FileStore({ region: 'ap-southeast-3', endpoint: 'http://127.0.0.1:41234', credentials }, 'tanggap-local-files').uploadTarget('uploads/u1', { maxBytes: 10, contentType: 'image/png', expiresSeconds: 60 });
  expect(url).toBe('http://127.0.0.1:41234/tanggap-local-files');
  expect(uploadOrigin('tanggap-local-files', 'ap-southeast-3', 'http://127.0.0.1:41234')).toBe(new URL(url).origin);
});
