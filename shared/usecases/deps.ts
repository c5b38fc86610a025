/**
 * What every use case is given: the ports, the directory and its calendar, and the few settings
 * that shape links and mail. Handlers build it once per container.
 */
import type { OfficeCalendar } from '../calendar';
import type { CaseRecord, CaseEvent } from '../case/model';
import type { Directory } from '../directory/schema';
import { findAgency } from '../directory/resolve';
import { NotFound } from '../errors';
import { ConditionFailed, type CaseStore, type FileStore, type Mailer, type Metrics, type Workflow } from '../ports';
import type { Sop } from '../sop/schema';

export interface Deps {
  store: CaseStore;
  mailer: Mailer;
  workflow: Workflow;
  directory: Directory;
  /** The imported directory version in use (recorded on each new case); absent in tests that build Deps by hand. */
  directoryVersion?: number;
  calendar: OfficeCalendar;
  getSop: (id: string) => Sop;
  publicUrl: string;
  mailFrom: string;
  linkSecret: string;
  /** Random bytes (crypto): ids and link keys. */
  randomBytes: (n: number) => Uint8Array;
  /** Chosen fields only; never personal data or keys. */
  log: { info(message: string, fields?: Record<string, unknown>): void; warn(message: string, fields?: Record<string, unknown>): void };
  /** Operational counters; absent (unit tests), nothing is counted. */
  metrics?: Metrics;
  /** Attachments (functions that name it in their needs); absent where no file is touched. */
  files?: FileStore;
}

/**
 * Reads a case, applies `change` and writes it back if nobody wrote in between (optimistic), retrying
 * a few times. `change` returns the patch, or undefined to leave the case as it is; it may be called
 * more than once. `held` is the case as the caller last read or wrote it: the first attempt applies
 * `change` to it without reading the case again (the write is conditional on its version), and only
 * a fresh read decides that there is nothing to change. `withEvent`: an event written inside the case
 * item by the update (see `CaseStore.updateCase`); `written` is called when it was (not when the case
 * needed no change: the caller then records the event apart).
 */
export async function mutateCase(
  deps: Pick<Deps, 'store'>,
  caseId: string,
  change: (current: CaseRecord) => Partial<CaseRecord> | undefined,
  held?: CaseRecord,
  withEvent?: { event: Omit<CaseEvent, 'seq'> & { once: string }; written(): void },
): Promise<CaseRecord> {
  const update = async (current: CaseRecord, patch: Partial<CaseRecord>) => {
    const next = await deps.store.updateCase(caseId, current.version, patch, current, withEvent?.event);
    withEvent?.written();
    return next;
  };
  const patch = held && change(held);
  if (held && patch) {
    try {
      return await update(held, patch);
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err; // the case moved on since: read it
    }
  }
  for (let attempt = 0; ; attempt++) {
    const current = await deps.store.getCase(caseId);
    if (!current) throw new NotFound(`Case ${caseId} does not exist.`);
    const patch = change(current);
    if (!patch) return current;
    try {
      return await update(current, patch);
    } catch (err) {
      if (!(err instanceof ConditionFailed) || attempt >= 8) throw err;
    }
  }
}

/** Appends an event (a thin alias so use cases read as the domain). */
export function record(deps: Pick<Deps, 'store'>, event: Omit<CaseEvent, 'seq'>): Promise<CaseEvent> {
  return deps.store.appendEvent(event);
}

export function agencyName(deps: Pick<Deps, 'directory'>, agencyId: string): string {
  if (agencyId === 'inspectorate' || agencyId === deps.directory.inspectorate.id) return deps.directory.inspectorate.name.id;
  return findAgency(deps.directory, agencyId)?.name.id ?? agencyId;
}

export function statusUrl(deps: Pick<Deps, 'publicUrl'>, trackingId: string): string {
  return `${deps.publicUrl}/complaints/${encodeURIComponent(trackingId)}`;
}
