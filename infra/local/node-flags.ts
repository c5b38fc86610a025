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
 *
 * `--heap-growing-percent=10`: after each full collection V8 lets the old generation grow to a
 * multiple of what survived before the next one, a multiple it raises up to 4 when collections are
 * quick; the runtime's heap is mostly parked cases that live for weeks, so each burst of filing
 * committed up to 4× the live heap (the memory bench, 10,000 open cases: 99 MiB live in 249 MiB
 * committed at 9,000, RSS at most 582 MiB during the filing). With the multiple held at 1.1 the
 * same run stayed near its live heap (see README, Bench); it costs more frequent full collections,
 * whose marking takes CPU from dynalite's thread too: at load 2.5–3 the intake bench filed 229/s
 * with it and 296/s without, and its complaints with their first steps settled at 48/s against
 * 54/s. The flag is V8's, so dynalite's thread has it too.
 */
export const RUNTIME_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--heap-growing-percent=10'];
