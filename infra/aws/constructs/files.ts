/**
 * The attachments bucket: private (every public access blocked, ACLs off), encrypted at rest
 * (SSE-S3), TLS only, kept when the stack goes (like the table). Browsers reach it only through
 * presigned POSTs (uploads: size and type fixed by the policy) and presigned GETs that expire in
 * minutes. Lifecycle: incomplete multipart uploads aborted after a day; unclaimed uploads
 * (`uploads/`) deleted after a day, so an upload no complaint claims costs nothing for long; case
 * files (`cases/`) kept as long as their cases, which are never expired.
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { fileKeys } from '../../../shared/attachments/files';
import { Naming } from '../naming';

export class Files extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      // Bucket names are global: the account and region make the stage's name unique.
      bucketName: Naming.of(this).name('files', Aws.ACCOUNT_ID, Aws.REGION),
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: false,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'abort-incomplete-multipart', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'expire-unclaimed-uploads', prefix: fileKeys.uploadsPrefix, expiration: Duration.days(1) },
      ],
    });
  }

  /** The site's origin may POST uploads from a page (the form's script); nothing else crosses origins. */
  allowUploadsFrom(origin: string): void {
    this.bucket.addCorsRule({ allowedMethods: [s3.HttpMethods.POST], allowedOrigins: [origin], allowedHeaders: ['*'], maxAge: 3600 });
  }
}
