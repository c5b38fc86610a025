/**
 * Typed errors of the domain. Use cases throw them; one HTTP middleware turns them into answers,
 * exposing details only below 500.
 */

/** One thing to fix in a request: where, and what (in the requester's language). */
export interface Issue {
  path: string;
  message: string;
}

/** A message in both languages of the service; Bahasa Indonesia first. */
export interface Localized {
  id: string;
  en: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  /** The machine-readable kind, returned as `error`. */
  abstract readonly code: string;
  /** Extra fields safe to show the caller. */
  readonly details: Record<string, unknown>;
  /** The message in both languages, when the thrower gave both (`message` is then the English one). */
  readonly localized?: Localized;
  constructor(message: string | Localized, details: Record<string, unknown> = {}) {
    super(typeof message === 'string' ? message : message.en);
    this.name = new.target.name;
    this.details = details;
    if (typeof message !== 'string') this.localized = message;
  }

  /** The message for a reader of `lang` (the one message there is, when only one was given). */
  messageIn(lang: 'id' | 'en'): string {
    return this.localized?.[lang] ?? this.message;
  }
}

export class ValidationFailed extends DomainError {
  readonly status = 400;
  readonly code = 'validation';
  constructor(readonly issues: Issue[], message: string | Localized = { id: 'Ada isian yang perlu diperbaiki.', en: 'The request has fields to fix.' }) {
    super(message, { issues });
  }
}
export class NotFound extends DomainError { readonly status = 404; readonly code = 'not_found'; }
export class Conflict extends DomainError { readonly status = 409; readonly code = 'conflict'; }
export class Gone extends DomainError { readonly status = 410; readonly code = 'gone'; }
export class PayloadTooLarge extends DomainError { readonly status = 413; readonly code = 'payload_too_large'; }
export class UnsupportedMediaType extends DomainError { readonly status = 415; readonly code = 'unsupported_media_type'; }
export class Forbidden extends DomainError { readonly status = 403; readonly code = 'forbidden'; }
/** Too many requests from one caller; `retryAfterSeconds` becomes the Retry-After header. */
export class TooManyRequests extends DomainError {
  readonly status = 429;
  readonly code = 'too_many_requests';
  constructor(message: string | Localized, readonly retryAfterSeconds = 60, details: Record<string, unknown> = {}) {
    super(message, details);
  }
}
/**
 * The service cannot finish now; the caller may retry (the work done so far is kept).
 * `retryAfterSeconds` becomes the Retry-After header.
 */
export class Unavailable extends DomainError {
  readonly status = 503;
  readonly code = 'unavailable';
  constructor(message: string | Localized, details: Record<string, unknown> = {}, readonly retryAfterSeconds = 5) {
    super(message, details);
  }
}
