/**
 * The directory as data: the DirectoryStore port (versions in the table, a pointer to the one in
 * use), the import use case, and the short-lived cache through which every function reads the
 * current version, so an import takes effect within a minute and no directory is compiled into
 * a function.
 */
import { createHash } from 'node:crypto';
import { Unavailable } from '../errors';
import type { Sop } from '../sop/schema';
import { Directory, DIRECTORY_SCHEMA } from './schema';
import { validateDirectory } from './validate';

/** One imported version: immutable once stored. */
export interface DirectoryVersion {
  /** 1, 2, 3…: one per import that changed something. */
  version: number;
  /** Who imported it: the operator's name or email given to the CLI, or their OS user; "demo seed" locally. */
  loadedBy: string;
  /** When (ISO 8601). */
  loadedAt: string;
  /** SHA-256 (hex) of the stored JSON text: an identical re-import is recognised. */
  sha256: string;
  /** Size of the JSON text in bytes (before compression). */
  bytes: number;
  /** The schema it was validated with (DIRECTORY_SCHEMA), when `importDirectory` stored it; absent otherwise. */
  schema?: string;
}

export interface StoredDirectory extends DirectoryVersion {
  /** The directory as imported (validated, defaults applied). */
  document: unknown;
}

/**
 * Where directory versions live. Saving writes the new version's items first and moves the
 * pointer last, so a reader never sees a half-written directory: a crash mid-import leaves an
 * orphan version that nothing points to.
 */
export interface DirectoryStore {
  /** The version in use (the pointer; one read), or undefined before the first import. */
  currentVersion(): Promise<DirectoryVersion | undefined>;
  /** A stored version, whole and checked against its digest; undefined if absent or incomplete. */
  getVersion(version: number): Promise<StoredDirectory | undefined>;
  /**
   * Stores `directory` as the next version and makes it current; returns it. The pointer only moves
   * forward: of two imports racing, the higher version stays current.
   */
  saveVersion(directory: Directory, meta: { loadedBy: string; loadedAt: string; schema?: string }): Promise<DirectoryVersion>;
}

/** The JSON text a directory is stored as (and digested over). */
export function directoryText(directory: Directory): string {
  return JSON.stringify(directory);
}

/** SHA-256 (hex) of a directory's stored text. */
export function directoryDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** 503 until an operator imports a directory: no function can route a case without one. */
export class DirectoryNotImported extends Unavailable {
  constructor() {
    super(
      {
        id: 'Layanan belum siap: direktori pejabat belum dimuat. Admin: jalankan `npm run directory -- import <berkas.json> --stage <nama>`.',
        en: 'The service is not ready: the directory of officials has not been imported yet. Admin: run `npm run directory -- import <file.json> --stage <name>`.',
      },
      { reason: 'directory_not_imported' },
      60,
    );
  }
}

export type ImportResult =
  | { ok: false; problems: string[] }
  | { ok: true; version: DirectoryVersion; unchanged: boolean };

/**
 * Validates `input` fully and, when it is sound, stores it as the next version. A broken file
 * changes nothing; a file identical to the current version creates no new one.
 */
export async function importDirectory(
  store: DirectoryStore,
  input: unknown,
  meta: { loadedBy: string; loadedAt: string },
  knownSops?: readonly Sop[],
): Promise<ImportResult> {
  const checked = validateDirectory(input, knownSops);
  if (!checked.ok) return checked;
  const current = await store.currentVersion();
  // The same text validated with this schema is the same version; one recorded without it (or with an
  // older schema) is stored again, so that the functions can take it as stored (see DIRECTORY_SCHEMA).
  if (current && current.sha256 === directoryDigest(directoryText(checked.directory)) && current.schema === DIRECTORY_SCHEMA) return { ok: true, version: current, unchanged: true };
  return { ok: true, version: await store.saveVersion(checked.directory, { ...meta, schema: DIRECTORY_SCHEMA }), unchanged: false };
}

export interface LoadedDirectory {
  version: DirectoryVersion;
  directory: Directory;
}

export interface CurrentDirectoryOptions {
  /** How long a read version is trusted before the pointer is read again (0: every call). */
  ttlMs: number;
  /** Milliseconds, monotonic enough; Date.now by default. */
  now?: () => number;
  /** Told when a refresh failed and the last version read is served instead. */
  onStale?: (err: unknown, served: DirectoryVersion) => void;
}

/**
 * The current directory, cached for `ttlMs`: after that, one read of the pointer; the version's
 * items are read again only when the pointer moved. Concurrent callers share one refresh. When a
 * refresh fails (the table throttles), the last version read is served rather than failing a
 * citizen's request; with none read yet, the error is the caller's (DirectoryNotImported → 503).
 */
export class CurrentDirectory {
  private cached: { loaded: LoadedDirectory; checkedAt: number } | undefined;
  private refreshing: Promise<LoadedDirectory> | undefined;
  private readonly now: () => number;

  constructor(private readonly store: DirectoryStore, private readonly options: CurrentDirectoryOptions) {
    this.now = options.now ?? Date.now;
  }

  async get(): Promise<LoadedDirectory> {
    if (this.cached && this.now() - this.cached.checkedAt < this.options.ttlMs) return this.cached.loaded;
    this.refreshing ??= this.refresh().finally(() => { this.refreshing = undefined; });
    return this.refreshing;
  }

  private async refresh(): Promise<LoadedDirectory> {
    const startedAt = this.now();
    try {
      const pointer = await this.store.currentVersion();
      if (!pointer) throw new DirectoryNotImported();
      if (this.cached?.loaded.version.version === pointer.version) {
        this.cached.checkedAt = startedAt;
        return this.cached.loaded;
      }
      const stored = await this.store.getVersion(pointer.version);
      if (!stored) throw new Error(`The directory pointer names version ${pointer.version}, which is not stored whole`);
      // Validated at import with this schema (defaults applied, the text checked against its digest
      // by the store): taken as it is. A version stored otherwise (another schema, or saved without
      // importDirectory) is parsed: the schema gives the types and defaults.
      const directory = stored.schema === DIRECTORY_SCHEMA ? (stored.document as Directory) : Directory.parse(stored.document);
      const loaded = { version: pointer, directory };
      this.cached = { loaded, checkedAt: startedAt };
      return loaded;
    } catch (err) {
      if (this.cached && !(err instanceof DirectoryNotImported)) {
        this.options.onStale?.(err, this.cached.loaded.version);
        return this.cached.loaded;
      }
      throw err;
    }
  }
}
