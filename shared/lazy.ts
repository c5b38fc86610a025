/**
 * A value built the first time it is used, for the zod schemas of a module whose importers each use a
 * few of them: a schema is built (zod runs its constructors) when its module is evaluated, so a
 * function that parses one request would otherwise build every schema of the contract at cold start.
 */

/**
 * `build()`'s value, built at the first read of one of its properties and kept; until then nothing
 * is built. The result stands for the value wherever its properties are read (`Schema.parse(x)`,
 * `z.optional(Schema)`, `Schema.shape`, `z.infer<typeof Schema>`).
 *
 * Mark the call pure where it is exported, `export const X = /* @__PURE__ *\/ lazy(() => …)`, so that
 * esbuild drops a schema no code of the bundle reads (the builder is a closure, free of side effects).
 * Its own keys are the value's, so a lazy set of fields can be spread into a schema built later
 * (`z.object({ ...Fields, … })`). Identity (`===`) sees the stand-in.
 */
export function lazy<T extends object>(build: () => T): T {
  let built: T | undefined;
  const value = (): T => (built ??= build());
  return new Proxy({} as T, {
    get: (_target, key) => Reflect.get(value(), key),
    has: (_target, key) => Reflect.has(value(), key),
    set: (_target, key, v) => Reflect.set(value(), key, v),
    getPrototypeOf: () => Reflect.getPrototypeOf(value()),
    // For a spread (`{ ...Fields }`): the built value's own keys, each reported configurable, as a
    // proxy must for a property its (empty, extensible) target lacks.
    ownKeys: () => Reflect.ownKeys(value()),
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(value(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}
