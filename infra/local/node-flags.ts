/**
 * Node/V8 flags the local runtime's process starts with (`npm start`, the bench's sections, the tests
 * that spawn the runtime), in one place.
 *
 * `--max-semi-space-size=4`: V8's young generation is two semi-spaces of up to 16 MiB each by default,
 * committed once a burst has grown them and resident from then on (32 MiB of the runtime's RSS at
 * rest, `v8.getHeapSpaceStatistics()`); 4 MiB halves hold a request's garbage (a complaint allocates
 * well under 1 MiB) and make the young generation 8 MiB. The memory bench's RSS at start went from
 * 191 to 164 MiB with it. It cannot be set once the process runs (V8 sizes the heap at start), hence
 * a command-line flag.
 */
export const RUNTIME_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
