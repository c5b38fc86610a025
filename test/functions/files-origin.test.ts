/**
 * The form page's CSP names the origin its script posts uploads to: on AWS it must be the very origin
 * of the presigned POST the SDK builds (else the browser refuses the upload), locally the stand-in's.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { uploadOrigin } from '../../functions/adapters/files-origin';

test('on AWS: the origin of the SDK presigned POST (regional virtual-hosted name)', async () => {
  const saved = { s3: process.env.AWS_ENDPOINT_URL_S3, any: process.env.AWS_ENDPOINT_URL };
  delete process.env.AWS_ENDPOINT_URL_S3;
  delete process.env.AWS_ENDPOINT_URL;
  try {
    const bucket = 'tanggap-prod-files-123456789012-ap-southeast-3';
    const client = new S3Client({ region: 'ap-southeast-3', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
    const { url } = await createPresignedPost(client, { Bucket: bucket, Key: 'uploads/u1', Expires: 60 });
    expect(uploadOrigin(bucket, 'ap-southeast-3', undefined)).toBe(new URL(url).origin);
    client.destroy();
  } finally {
    if (saved.s3 !== undefined) process.env.AWS_ENDPOINT_URL_S3 = saved.s3;
    if (saved.any !== undefined) process.env.AWS_ENDPOINT_URL = saved.any;
  }
});

test('locally: the configured endpoint (path-style stand-in)', () => {
  expect(uploadOrigin('tanggap-local-files', 'ap-southeast-3', 'http://127.0.0.1:41234')).toBe('http://127.0.0.1:41234');
});
