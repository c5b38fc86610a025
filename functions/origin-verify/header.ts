/** The header CloudFront adds to every request it forwards to the API, carrying the origin secret. */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';
