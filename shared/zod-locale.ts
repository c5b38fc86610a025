/**
 * zod's English messages for the run-time schemas, which are built with `zod/mini`: unlike `zod`,
 * `zod/mini` registers no locale, and its issues would all read "Invalid input". The messages that
 * reach a person through zod's defaults (an operator's configuration or directory problems; a
 * citizen's fields carry messages of their own) keep naming what is wrong. Imported for its effect by
 * the modules that show those messages; the one locale costs ≈ 3 KB of a bundle, `zod`'s `z` ≈ 97 KB.
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config(en());
