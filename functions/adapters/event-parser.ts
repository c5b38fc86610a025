/**
 * The workflow and event handlers' edge check: a middy middleware that parses the invocation's event
 * with its schema before the handler runs, and replaces it with the parsed value (defaults applied,
 * unknown keys dropped). What Powertools' parser middleware did for these handlers, without the
 * package: an event that does not parse fails the invocation with `ParseError` (the name Powertools
 * used; the state machine's retries and the DLQs see the same error), its zod issues as the cause.
 */
import type middy from '@middy/core';
import type * as z from 'zod/mini';

/** An invocation's event that its schema refused. The issues name paths and codes, never the values. */
export class ParseError extends Error {
  constructor(issues: readonly z.core.$ZodIssue[]) {
    super('Failed to parse schema', { cause: issues });
    this.name = 'ParseError';
  }
}

/** Parses `request.event` with `schema` before the handler (see above). */
export function parseEvent<S extends z.ZodMiniType>(schema: S): middy.MiddlewareObj<z.infer<S>> {
  return {
    before: (request) => {
      const parsed = schema.safeParse(request.event);
      if (!parsed.success) throw new ParseError(parsed.error.issues);
      request.event = parsed.data;
    },
  };
}
