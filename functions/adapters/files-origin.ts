/**
 * Where browsers send uploads, for the form page's CSP: computed from the configuration alone, so
 * the pages function needs no S3 client (nor any right on the bucket) to name it.
 */
import { formPageHeaders, storeFormPageHeaders } from '../http';
import { config } from './config';

/**
 * The origin a browser posts uploads to: the configured S3 endpoint (the local stand-in, path-style),
 * else the bucket's regional virtual-hosted name, as the file store (s3-file-store.ts) builds its URL.
 */
export function uploadOrigin(bucket: string, region: string | undefined, endpoint: string | undefined): string {
  if (endpoint) return new URL(endpoint).origin;
  return `https://${bucket}.s3.${region ?? 'us-east-1'}.amazonaws.com`;
}

/** The complaint form page's headers: it may run its own script and post files to the store (when this function knows the bucket). */
export function formPolicy(): Record<string, string> {
  const cfg = config();
  return formPageHeaders(cfg.FILES_BUCKET ? uploadOrigin(cfg.FILES_BUCKET, cfg.AWS_REGION, cfg.AWS_ENDPOINT_URL_S3) : undefined);
}

/** The store's origin for a page's CSP, when this function knows the bucket. */
export function filesOrigin(): string | undefined {
  const cfg = config();
  return cfg.FILES_BUCKET ? uploadOrigin(cfg.FILES_BUCKET, cfg.AWS_REGION, cfg.AWS_ENDPOINT_URL_S3) : undefined;
}

/** A page with a form that posts to the store (and, with `script`, its script uploading with fetch). */
export function storeFormPolicy(o: { script?: boolean; images?: string[] } = {}): Record<string, string> {
  return storeFormPageHeaders(filesOrigin(), o);
}
