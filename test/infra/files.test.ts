/**
 * The attachments bucket on the synthesised template: private, encrypted, TLS only, named for its
 * stage, with the lifecycle that makes unclaimed uploads cost nothing for long, and CORS for the
 * form's origin only; the functions learn its name from FILES_BUCKET.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { synthesise } from './synth';

const withDomain = synthesise({ stage: 'staging', domainName: 'pengaduan.musitanggap.example.go.id', hostedZoneId: 'Z0123456789ABC', hostedZoneName: 'musitanggap.example.go.id' }).template;
const withoutDomain = synthesise({ stage: 'staging' }).template;

test('private: every public access blocked, ACLs disabled, SSE-S3, kept when the stack is deleted', () => {
  withDomain.hasResource('AWS::S3::Bucket', Match.objectLike({
    DeletionPolicy: 'Retain',
    Properties: Match.objectLike({
      BucketName: { 'Fn::Join': ['', ['tanggap-staging-files-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }]] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    }),
  }));
});

test('TLS only: the bucket policy denies every request without aws:SecureTransport', () => {
  withDomain.hasResourceProperties('AWS::S3::BucketPolicy', Match.objectLike({
    PolicyDocument: Match.objectLike({
      Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
    }),
  }));
});

test('lifecycle: incomplete multipart uploads aborted and unclaimed uploads expired after a day; case files never expire', () => {
  const buckets = withDomain.findResources('AWS::S3::Bucket');
  const rules = (Object.values(buckets)[0]!.Properties as { LifecycleConfiguration: { Rules: Record<string, unknown>[] } }).LifecycleConfiguration.Rules;
  expect(rules).toEqual(expect.arrayContaining([
    expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }),
    expect.objectContaining({ Prefix: 'uploads/', ExpirationInDays: 1, Status: 'Enabled' }),
  ]));
  expect(rules.filter((r) => r.ExpirationInDays !== undefined).map((r) => r.Prefix)).toEqual(['uploads/']);
});

test('CORS: only POST, only from the site (the custom domain, else the CloudFront name)', () => {
  withDomain.hasResourceProperties('AWS::S3::Bucket', Match.objectLike({
    CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedMethods: ['POST'], AllowedOrigins: ['https://pengaduan.musitanggap.example.go.id'] })] },
  }));
  withoutDomain.hasResourceProperties('AWS::S3::Bucket', Match.objectLike({
    CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedMethods: ['POST'], AllowedOrigins: [{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.stringLikeRegexp('^PublicDistribution'), 'DomainName'] }]] }] })] },
  }));
});

test('the functions that handle files get FILES_BUCKET (the pages too, for the form page CSP); the others do not', () => {
  const fns = withDomain.findResources('AWS::Lambda::Function');
  const withBucket = Object.values(fns).filter((f) => ((f.Properties as { Environment?: { Variables?: Record<string, unknown> } }).Environment?.Variables ?? {}).FILES_BUCKET !== undefined)
    .map((f) => (f.Properties as { FunctionName: string }).FunctionName).sort();
  expect(withBucket).toEqual(['tanggap-staging-http-intake', 'tanggap-staging-http-pages', 'tanggap-staging-http-task', 'tanggap-staging-http-uploads', 'tanggap-staging-sweep', 'tanggap-staging-workflow-task']);
});
