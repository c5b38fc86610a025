/**
 * Deterministic crash points for the workflow handlers. A handler runs on the in-memory store with
 * its ports wrapped so that every call is two crash points — just before the call (the write never
 * reached the store or SES) and just after it took effect (the caller never saw the answer) — and
 * every item write inside a store method that writes several is one more (where a killed process
 * leaves DynamoDB half-way through a method). At the chosen point the process "dies": a
 * `ProcessDied` is thrown and every later call of that run throws it too, so no catch block of the
 * handler can do anything more (a killed process runs none). Then the handler runs again with the
 * same request, as a Lambda retry or a resumed execution would, on fresh (alive) ports over the same
 * store and mailbox.
 */
import { createHash } from 'node:crypto';
import { createOfficeCalendar } from '../../shared/calendar';
import { hashKey, keyLocator } from '../../shared/case/keys';
import { demoDirectory } from '../../shared/directory';
import type { Directory } from '../../shared/directory/schema';
import type { CaseStore, Mailer, OutgoingEmail, Workflow } from '../../shared/ports';
import { getSop } from '../../shared/sops';
import type { Deps } from '../../shared/usecases/deps';
import type { ExecutionInput } from '../../shared/workflow/contract';
import { suppressingMailer } from '../../shared/usecases/mail-events';
import { MemoryCaseStore } from './memory-case-store';
import { MemorySuppressionList } from './memory-suppressions';

export class ProcessDied extends Error {
  constructor(readonly point: string) {
    super(`process died (${point})`);
    this.name = 'ProcessDied';
  }
}

/** Counts crash points and kills the run at the `target`-th (never, when undefined). */
export class CrashPlan {
  count = 0;
  readonly trace: string[] = [];
  diedAt: string | undefined;

  constructor(private readonly target?: number) {}

  get dead(): boolean {
    return this.diedAt !== undefined;
  }

  point(label: string): void {
    if (this.dead) throw new ProcessDied(`after death: ${label}`);
    this.count++;
    this.trace.push(label);
    if (this.count === this.target) {
      this.diedAt = label;
      throw new ProcessDied(label);
    }
  }
}

/** Wraps every method of a port: a crash point before the call and one after it took effect. */
export function crashing<T extends object>(port: T, name: string, plan: CrashPlan): T {
  return new Proxy(port, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string' || prop === 'snapshot') return value;
      return (...args: unknown[]) => {
        plan.point(`before ${name}.${prop}`);
        const out = (value as (...a: unknown[]) => unknown).apply(target, args);
        // Async iterables (index queries) only read: the point before them is enough.
        if (!(out instanceof Promise)) return out;
        return out.then((answer) => {
          plan.point(`after ${name}.${prop}`);
          return answer;
        });
      };
    },
  });
}

/** A seeded source of "random" bytes: the same world prepared twice has the same ids. */
function seededBytes(seed: string): (n: number) => Uint8Array {
  let i = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let filled = 0; filled < n;) {
      const block = createHash('sha256').update(`${seed}:${i++}`).digest();
      out.set(block.subarray(0, Math.min(block.length, n - filled)), filled);
      filled += block.length;
    }
    return out;
  };
}

/** One world: a store, a mailbox and a Step Functions that record everything; ports made per run. */
export class CrashWorld {
  /** The suppression list of the world's table: the task function reads entries with the case, the mailer the rest. */
  readonly suppressions = new MemorySuppressionList();
  readonly store = new MemoryCaseStore(this.suppressions);
  readonly sent: OutgoingEmail[] = [];
  readonly started: { name: string; input: ExecutionInput }[] = [];
  private readonly random: (n: number) => Uint8Array;

  constructor(seed: string, private readonly directory: Directory = demoDirectory) {
    this.random = seededBytes(seed);
  }

  /** SES behind the suppression list, as every handler's Mailer is (functions/adapters/deps.ts). */
  private readonly mailer: Mailer = suppressingMailer({
    send: async (m) => {
      this.sent.push(m);
      return { messageId: `ses-${this.sent.length}` };
    },
  }, { suppressions: this.suppressions });

  private readonly workflow: Workflow = {
    start: async (_sop, name, input) => {
      this.started.push({ name, input: input as ExecutionInput });
      return { executionArn: `arn:aws:states:ap-southeast-3:000000000000:execution:tanggap:${name}` };
    },
    taskSucceeded: async () => undefined,
    taskFailed: async () => undefined,
  };

  /** The ports as a run sees them: plain, or with crash points of `plan`. */
  deps(plan?: CrashPlan): Deps {
    this.store.betweenWrites = plan ? (what) => plan.point(`within store.${what}`) : undefined;
    const store: CaseStore = plan ? crashing<CaseStore>(this.store, 'store', plan) : this.store;
    return {
      store,
      mailer: plan ? crashing(this.mailer, 'mailer', plan) : this.mailer,
      workflow: plan ? crashing(this.workflow, 'workflow', plan) : this.workflow,
      directory: this.directory, calendar: createOfficeCalendar(this.directory.calendar), getSop,
      publicUrl: 'https://tanggap.example', mailFrom: 'tanggap@musitanggap.example.go.id', linkSecret: 'x'.repeat(32),
      randomBytes: this.random, log: { info: () => undefined, warn: () => undefined },
    };
  }

  /**
   * The state to compare between runs, normalised for what legitimately differs: versions, message
   * ids, attempt counts of claims not given up, link keys (random; whether they work is checked apart), key lookups, and
   * grants that never became active (a resent ladder email mints a new one; the pending one opens nothing).
   */
  state() {
    const s = this.store.snapshot();
    return {
      cases: s.cases.map(({ version: _v, ...c }) => c),
      events: s.events.map(({ seq: _s, ...e }) => e),
      // A task re-keyed by a re-run (its first key lost with the run) keeps the replaced hash for its 410.
      tasks: s.tasks.map(({ version: _v, keyHash: _k, formerKeyHashes: _f, ...t }) => t),
      // A ladder email resent in the duplicate window activates a grant of its own beside the first (both went out).
      grants: dedupeJson(s.grants.filter((g) => g.status === 'active').map(({ keyHash: _k, ...g }) => g)),
      // A claim sent after a death took one more attempt (the dead one may have reached SES); one given up
      // did not: an address the mailer refuses takes no further attempt, so its count is the uninterrupted run's.
      once: s.once.map(({ id, value, mail }) => ({ id, value, mail: mail && { ...mail, attempts: mail.state === 'failed' ? mail.attempts : undefined, messageId: undefined, grant: mail.grant && { ...mail.grant, keyHash: 'KEY' } } })),
      // Starting is idempotent by name: a start repeated by a re-run is the same execution.
      started: [...new Map(this.started.map((x) => [`${x.name}|${JSON.stringify(x.input)}`, x])).values()],
    };
  }

  /** The emails sent, normalised: random link keys replaced. */
  emails(): { to: string[]; subject: string; text: string }[] {
    return this.sent.map((m) => ({ to: m.to, subject: m.subject, text: normaliseKeys(m.text) }));
  }

  /** Mail claims marked sent (to tell a death between SES's acceptance and the mark from the others). */
  sentClaims(): number {
    return this.store.snapshot().once.filter((o) => o.mail?.state === 'sent').length;
  }

  /**
   * Whether the newest email to each recipient with each subject carries links that work: a task's
   * own key that is current, or an active grant, of an open task.
   */
  async brokenLinks(): Promise<string[]> {
    const newest = new Map<string, OutgoingEmail>();
    for (const m of this.sent) newest.set(`${m.to.join()}|${m.subject}`, m);
    const broken: string[] = [];
    for (const [id, m] of newest) {
      for (const key of linkKeys(m.text)) {
        const link = await this.store.getTaskLink(hashKey(key), keyLocator(key));
        // A link of a task decided since (the official acted) answers 409 naming who: that is working too;
        // so is one of a monitoring task ended by the follow-up it monitored (410, saying the task has ended).
        const works = !!link && (link.task.status === 'open' || link.task.status === 'done' || link.task.status === 'expired') && (link.grant ? link.grant.status === 'active' : true);
        if (!works) broken.push(`${id}: ${link ? `${link.task.status}${link.grant ? ` grant ${link.grant.status}` : ''}` : 'unknown key'}`);
      }
    }
    return broken;
  }
}

const dedupeJson = <T>(items: T[]): T[] => [...new Map(items.map((x) => [JSON.stringify(x), x])).values()];

const KEY = /(\/tasks\/|[?&]key=)((?:t\.[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]{43})/g;
export const normaliseKeys = (text: string) => text.replace(KEY, '$1KEY');
const linkKeys = (text: string) => [...new Set([...text.matchAll(KEY)].map((m) => m[2]!))];
