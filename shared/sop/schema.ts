/**
 * The schema of an SOP (Standar Operasional Prosedur): the signed procedure an agency follows
 * for a public complaint, as data. The compiler in `statemachines/` turns one SOP into one
 * Step Functions state machine; nothing in code is specific to an agency.
 */
import * as z from 'zod';
import { LocalizedText } from './localized-text';
import { defaultRungGrant, rungGrant } from './rung-grant';

// Defined apart so that run-time code reaches them without this module (see localized-text.ts).
export { defaultRungGrant, LocalizedText, rungGrant };

/**
 * A time limit. `minutes` and `hours` are office time (the clock runs only in office hours);
 * `days` are calendar days (plain "hari"), a deadline falling on a non-working day or outside office
 * hours moving to the close of the next working day; `workingDays` ("hari kerja") skip weekends,
 * national holidays and cuti bersama, due at the close of the n-th working day after the start day.
 */
export const TimeLimit = z.object({
  amount: z.number().positive(),
  unit: z.enum(['minutes', 'hours', 'days', 'workingDays']),
});
export type TimeLimit = z.infer<typeof TimeLimit>;

/** A grace period between rungs of the ladder; zero means "at once". */
export const Grace = z.object({
  amount: z.number().min(0),
  unit: z.enum(['minutes', 'hours', 'days', 'workingDays']),
});
export type Grace = z.infer<typeof Grace>;

const Slug = z.string().regex(/^[a-z][a-z0-9-]*$/, 'lowercase letters, digits and dashes');

/**
 * Where the holder of a role is found in the deployment directory:
 * - `agency`: the agency that owns the SOP;
 * - `routedAgency`: the agency a complaint was routed to by an earlier step (SP4N-LAPOR!);
 * - `inspectorate`: the regency's inspectorate (Inspektorat / APIP);
 * - `regency`: the regency itself (the Bupati).
 */
export const RoleUnit = z.enum(['agency', 'routedAgency', 'inspectorate', 'regency']);
export type RoleUnit = z.infer<typeof RoleUnit>;

export const Role = z.object({
  id: Slug,
  name: LocalizedText,
  /** Which unit of the directory holds this role. */
  unit: RoleUnit,
  /** The key under which the unit lists the people in this role (`officials[].role`). */
  directoryRole: Slug,
  /** The SOP role this one reports to: the first rung of the escalation ladder. */
  superior: Slug.optional(),
  /** Whether this role sees a confidential reporter's identity (e.g. the officer who registers and contacts them). */
  seesReporter: z.boolean().default(false),
});
export type Role = z.infer<typeof Role>;

/** What a field in an action's form means to the case, beyond being recorded. */
export const FieldMeaning = z.enum([
  'note', // recorded in the case history only
  'responseDraft', // the answer to the reporter, as drafted so far (a new draft withdraws an earlier approval)
  'approvedResponse', // the answer as the approver approved (signed) it: kept on this step's task, what an action that `sends: 'approved'` sends
  'response', // the answer sent to the reporter
  'routeAgency', // the agency the complaint is routed to (sets the case's routedAgencyId)
  'reason', // why a complaint is rejected or returned
  'question', // a question to the reporter
]);
export type FieldMeaning = z.infer<typeof FieldMeaning>;

export const FieldSpec = z.object({
  name: z.string().regex(/^[a-z][a-zA-Z0-9]*$/),
  label: LocalizedText,
  /** `date`: a calendar date, YYYY-MM-DD (e.g. the date a reprimand letter was issued). */
  type: z.enum(['text', 'textarea', 'select', 'agency', 'date']),
  required: z.boolean(),
  meaning: FieldMeaning.default('note'),
  maxLength: z.number().int().positive().max(20_000).default(5_000),
  /** For `select`: the allowed values. `agency` fields list the directory's agencies. */
  options: z.array(z.object({ value: z.string(), label: LocalizedText })).optional(),
  /** Pre-fill the form with the case's current response draft. */
  prefill: z.enum(['responseDraft']).optional(),
});
export type FieldSpec = z.infer<typeof FieldSpec>;

/**
 * Where an action leads: another step of this SOP, or one of the terminal targets.
 * - `@reporter`: the response is sent to the reporter and the reply window opens;
 * - `@askReporter`: a question goes to the reporter; the same step resumes with the answer;
 * - `@reject`: the complaint is rejected (with a reason) and the reporter told so;
 * - `@close`: the case is closed;
 * - `@end`: ends a monitoring path (see `EscalationRung.step`): the late step's own work goes on.
 */
export const ActionTarget = z.union([Slug, z.enum(['@reporter', '@askReporter', '@reject', '@close', '@end'])]);
export type ActionTarget = z.infer<typeof ActionTarget>;

export const Action = z.object({
  /**
   * The action's id is the one string of a decision that travels through the state machine (and its
   * intrinsic functions): letters and digits only, so it can never hold a quote or a backslash.
   */
  id: z.string().regex(/^[a-z][a-zA-Z0-9]*$/, 'an action id is letters and digits, starting with a lowercase letter (no spaces, quotes or backslashes): it travels through the state machine'),
  label: LocalizedText,
  fields: z.array(FieldSpec).default([]),
  goto: ActionTarget,
  /** Routes the case to the inspectorate: its `routedAgency` roles are then the inspectorate's. */
  routeTo: z.literal('inspectorate').optional(),
  /**
   * `approved`: the action sends the reporter exactly the last approved response (a field meaning
   * `approvedResponse`, stored on its approval task), shown read-only on the page; it has no response
   * field of its own, and a revised draft withdraws the approval (it must be approved again).
   */
  sends: z.literal('approved').optional(),
  /**
   * SOP roles told by email (no task, nothing to act on) when this action is taken: e.g. the Kasi,
   * when the staff settle a complaint themselves. The email carries what was sent to the reporter.
   */
  inform: z.array(Slug).default([]),
  /**
   * A case event this action writes besides `step_completed`, with the action's fields as its data
   * and the official as its actor: the decisions of a monitoring path (the P4 report reads them).
   */
  records: z.enum(['reprimand_recommended', 'reprimand_declined', 'reprimand_issued']).optional(),
});
export type Action = z.infer<typeof Action>;

/** Who a rung tells when a deadline passes. `superior` and `head` are relative to the step's role. */
export const RungRecipient = z.enum(['superior', 'head', 'bupati', 'inspectorate']);
export type RungRecipient = z.infer<typeof RungRecipient>;

/**
 * What the person a rung tells may do through the link in their email: `act` — act on the step
 * (its actions, `actions[0]` the normal path) or hand it to another holder of the step's role, on
 * behalf of the assignee; `view` — see the case, its history and the step, nothing more.
 */
export const RungGrant = z.enum(['view', 'act']);
export type RungGrant = z.infer<typeof RungGrant>;

export const EscalationRung = z.object({
  notify: RungRecipient,
  /** Time after the previous rung (the first rung: after the deadline; 0 = at the deadline). */
  after: Grace,
  /**
   * `reprimand`: an email recommending that the Bupati reprimand the agency. `monitor`: the task of
   * `step` opens (e.g. an inspectorate official monitoring the late follow-up, who decides whether to
   * recommend a reprimand), while the late step's own task stays open; its actions lead to further
   * steps of the same path or to `@end`. It is the last rung of its ladder: its path holds the clock.
   */
  kind: z.enum(['escalation', 'reprimand', 'monitor']).default('escalation'),
  /** For `monitor`: the step whose task opens. Its visit is the late step's visit. */
  step: Slug.optional(),
  /** What the person told may do through their link (see `RungGrant`); defaults by `notify` (see `defaultRungGrant`). */
  grant: RungGrant.optional(),
});
export type EscalationRung = z.infer<typeof EscalationRung>;


export { monitoringSteps } from './monitoring';

export const EscalationLadder = z.object({
  /** Remind the assignee once this share of the time limit has passed (0 < r < 1); the reminder's link always lets them act. */
  reminderAt: z.number().gt(0).lt(1).default(0.75),
  rungs: z.array(EscalationRung).min(1),
});
export type EscalationLadder = z.infer<typeof EscalationLadder>;

export const Step = z.object({
  id: Slug,
  /** The step's number in the signed SOP table, for people cross-checking the paper. */
  sopNumber: z.string(),
  name: LocalizedText,
  /** What the step expects of its assignee, shown on the task page. */
  expects: LocalizedText,
  role: Slug,
  /** The step's own limit; absent when only its phase is limited (Musi Rawas). */
  limit: TimeLimit.optional(),
  /** `true` for "if needed" steps: reached only by a non-default action. */
  optional: z.boolean().default(false),
  /** actions[0] is the SOP's normal forward path. */
  actions: z.array(Action).min(1),
  /** Overrides the SOP's ladder for this step. */
  escalation: EscalationLadder.optional(),
  /**
   * A coordination with other divisions or agencies whose limit is a follow-up service level (SLG):
   * its opening and its end are recorded (`coordination_requested`, `coordination_done` with
   * `{slgDays, onTime}`) and the recap counts coordinations done within it. Needs a limit in days.
   */
  coordination: z.boolean().default(false),
});
export type Step = z.infer<typeof Step>;

/** A limit over several steps: the whole procedure in Musi Rawas (5 days). */
export const Phase = z.object({
  id: Slug,
  name: LocalizedText,
  steps: z.array(Slug).min(1),
  limit: TimeLimit,
  escalation: EscalationLadder.optional(),
});
export type Phase = z.infer<typeof Phase>;

/**
 * One person's turn on a report before it is delivered (Library rows 7–9: the Kasi compiles and
 * forwards, the Kabid forwards, the Kepala Dinas receives; SP4N-LAPOR! row 9: the admin reviews the
 * P4 figures and draft letters). Each turn is a task with the report's figures, a notes field and,
 * where the report has letters, the letters' texts to edit; its `limit` is an SLA like a step's.
 */
export const ReportReviewStep = z.object({
  /** An SOP role of the owning agency (or the regency admin's role in SP4N-LAPOR!). */
  role: Slug,
  limit: TimeLimit,
  /** What this turn expects, shown on the task page. */
  expects: LocalizedText,
});
export type ReportReviewStep = z.infer<typeof ReportReviewStep>;

export const ReportSchedule = z.object({
  id: Slug,
  /** `semiannual`: January–June and July–December, run in July and January. */
  period: z.enum(['monthly', 'quarterly', 'semiannual']),
  /** SOP roles (in the owning agency) that receive it, in the SOP's order; `bupati` for the Bupati. */
  recipients: z.array(z.union([Slug, z.literal('bupati')])).min(1),
  /** Day of the month after the period, and local hour, when it is sent. */
  dayOfMonth: z.number().int().min(1).max(28).default(1),
  hour: z.number().int().min(0).max(23).default(8),
  /** `agency`: this agency's cases; `regency`: every case in the regency. */
  scope: z.enum(['agency', 'regency']).default('agency'),
  /**
   * The chain the report walks before it is delivered to `recipients`, in order; empty = sent at once.
   * Run as its own state machine (`statemachines/report-review.ts`), one callback task per turn.
   */
  review: z.array(ReportReviewStep).default([]),
  /**
   * Draft follow-up letters (SP4N-LAPOR! row 9): one per agency with late or unfollowed cases, generated
   * from the figures, edited by the reviewers, delivered exactly as approved.
   */
  letters: z.boolean().default(false),
});
export type ReportSchedule = z.infer<typeof ReportSchedule>;

export const Sop = z.object({
  id: Slug,
  title: LocalizedText,
  source: z.object({
    number: z.string(), // e.g. "041/17/DPK-SOP/2021", or "(tidak bernomor)" when the paper has none
    office: z.string(),
    regency: z.string(),
    seedFile: z.string(),
    signedBy: z.string().optional(),
  }),
  /** Choices made where the seed is silent or ambiguous, written down for reviewers. */
  notes: z.array(z.string()).default([]),
  /** Setup done once, not per complaint (e.g. the decree naming the complaint team). */
  setup: z.array(z.object({ sopNumber: z.string(), description: LocalizedText, limit: TimeLimit.optional() })).default([]),
  /** Intake steps done by the reporter in the form (shown in the timeline, not tasks). */
  intake: z.array(z.object({ sopNumber: z.string(), description: LocalizedText, limit: TimeLimit.optional() })).default([]),
  channels: z.array(z.string()).min(1),
  roles: z.array(Role).min(1),
  /** The role of the head of office (Kepala Dinas): the second rung of the ladder. */
  headRole: Slug,
  steps: z.array(Step).min(1),
  /** The first step; defaults to steps[0]. */
  startAt: Slug.optional(),
  phases: z.array(Phase).default([]),
  escalation: EscalationLadder,
  reporterReply: z.object({
    /** How long the reporter may reply to the answer; the case closes itself after it. */
    window: TimeLimit,
    /** The step that answers a reporter who replies unsatisfied. */
    followUpStep: Slug,
  }),
  reports: z.array(ReportSchedule).default([]),
});
export type Sop = z.infer<typeof Sop>;
export type SopInput = z.input<typeof Sop>;
