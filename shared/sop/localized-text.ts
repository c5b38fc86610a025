/**
 * A text in both languages, on its own so that the directory's schema can use it without the SOP
 * schema: the SOPs reach the functions validated at build time (shared/sops/validated-packed.ts), and the
 * SOP schema's construction (≈ 10 ms of CPU at every cold start) belongs to `npm run compile-sops`.
 */
import * as z from 'zod/mini';
import { lazy } from '../lazy';

/**
 * A text in Bahasa Indonesia (`id`, the default) and English (`en`). Built at first use, and pure: the
 * functions read the directory as validated at import (shared/directory/schema.ts, DIRECTORY_SCHEMA).
 */
export const LocalizedText = /* @__PURE__ */ lazy(() => z.object({ id: z.string().check(z.minLength(1)), en: z.string().check(z.minLength(1)) }));
export type LocalizedText = z.infer<typeof LocalizedText>;
