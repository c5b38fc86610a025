/**
 * The single DynamoDB table: its key design and indexes, as data read by the CDK app, the
 * local runtime (which creates it on dynalite) and the DynamoDB adapter. One table, no Scan on
 * any request path, no TransactWriteItems (conditional single-item writes only).
 *
 * | access pattern                     | how                                                     |
 * |------------------------------------|---------------------------------------------------------|
 * | case by id                         | GetItem pk=CASE#<caseId>, sk=CASE                       |
 * | case by tracking id                | GetItem pk=CASE#<hash of the trackingId>, sk=CASE (the case is its tracking id's record); a case filed before: GetItem pk=TRACK#<trackingId>, sk=TRACK -> caseId |
 * | Idempotency-Key of a complaint     | the case item: trackingId from an HMAC of the key, its case id from the trackingId, PutItem if not exists; `submission` holds the key's hash and the complaint's fingerprint |
 * | events of a case, in order         | Query pk=CASE#<caseId>, sk BETWEEN 'CASE' AND 'ONCE$', sorted by `order` (write time): the first events are attributes of the case item (EVENT#first, EVENT#o#outcome#started), an email's email_sent the attribute sentEvent of its claim (ONCE#mail#<key>), the others items; an event with a once-key at EVENT#o#<key>, PutItem if not exists (its own once-marker), others at EVENT#r#<order>#<uuid> |
 * | task of a case by slot             | GetItem pk=CASE#<caseId>, sk=TASK#<slot>                |
 * | task by link key                   | a task's own key names its case and slot (`t.<…>.<random>`): GetItem of the task, keyHash compared (or among formerKeyHashes: superseded); a grant's key or an older key: GetItem pk=TASKKEY#<keyHash>, sk=TASKKEY -> caseId, slot (+ holder=grant) |
 * | grant of a link key                | GetItem pk=CASE#<caseId>, sk=GRANT#<slot>#<keyHash>     |
 * | grants of a task                   | Query pk=CASE#<caseId>, sk begins_with GRANT#<slot>#    |
 * | once-only markers (emails sent...) | PutItem pk=CASE#<caseId>, sk=ONCE#<key>, if not exists  |
 * | email claims (pending, sent, failed) | pk=CASE#<caseId>, sk=ONCE#mail#<key>: PutItem if not exists, then conditional updates |
 * | emails pending (the repair sweep)  | Query gsi3: gsi3pk=MAIL#pending, gsi3sk=<attemptedAt>#<caseId>#<key>; sparse, removed when sent or failed; the claim's attributes projected (INCLUDE) |
 * | cases by agency and status         | Query gsi7 (keys gsi1pk=AGENCY#<agencyId>#<status>, gsi1sk=<submittedAt>#<caseId>): the sweeps read the heads it holds (INCLUDE, `CASE_HEAD_ATTRIBUTES`); the recap and the review's letters read each case by its key; while gsi7 cannot be read (a table made before it; on AWS while it is built), the same keys through gsi1 (whole cases) |
 * | cases by month (reports)           | Query gsi6 (keys gsi2pk=MONTH#<yyyy-mm>, gsi2sk=<agencyId>#<submittedAt>#<caseId>), then each case by its key |
 * | cases ended in a month (reports)   | Query gsi6 (keys gsi2pk=ENDED#<yyyy-mm>, gsi2sk=<agencyId>#<closedAt>#<caseId>), then each item by its key; on a copy of the ended case (pk=CASE#<caseId>, sk=ENDED) |
 * | the recap's summaries by month, received or ended | Query gsi6: keyed on gsi2pk/gsi2sk (every case and ended copy ever written is in it, none to backfill); INCLUDE projection of `rpt` and `submittedAt` (the summary, 0.5–1 KB, not the whole case) |
 * | open cases by due time             | Query gsi3: gsi3pk=DUE#<agencyId>, gsi3sk=<dueAt>; sparse, removed when closed; keys only in the index, each case then read by id |
 * | suppressed mail address           | GetItem/PutItem pk=SUPPRESS#<sha-256 of the address>, sk=SUPPRESS |
 * | a case with suppression entries    | BatchGetItem (consistent) of pk=CASE#<caseId>, sk=CASE and pk=SUPPRESS#<hash>, sk=SUPPRESS: a task's announcement, its assignee known before the case |
 * | directory in use (pointer)         | GetItem pk=DIRECTORY, sk=CURRENT -> version, loadedBy, loadedAt, sha256 |
 * | a directory version, whole         | Query pk=DIRECTORY, sk begins_with V#<000000001># (META + gzipped chunks C#<i>) |
 * | daily quotas (acknowledgements)    | UpdateItem pk=QUOTA#<name>#<day>, sk=QUOTA: ADD used if used < limit; expiresAt |
 * | a person's open tasks ("Tugas saya") | Query gsi4: gsi4pk=INBOX#<personId>, gsi4sk=<dueAt>#<caseId>#<slot>#T (a task item, while open, by its assignee) or …#G#<keyHash> (an act grant of the ladder, by its holder); sparse |
 * | sign-in link (hash)                | PutItem pk=SIGNIN#<hash>, sk=SIGNIN; UpdateItem sets usedAt once, if unexpired; expiresAt |
 * | officials' session (hash)          | PutItem / GetItem / DeleteItem pk=SESSION#<hash>, sk=SESSION -> personId, directoryVersion; expiresAt |
 * | open cases of an agency by step and deadline (dashboards) | Query gsi5: gsi5pk=OPEN#<agencyId>, gsi5sk=<stepId or _>#<dueAt or ~>#<caseId>: a step's cases by deadline, a key range per SLA state (Select COUNT for the counts); sparse, removed when closed; INCLUDE projection of what a dashboard row shows |
 */
import { CASE_HEAD_ATTRIBUTES } from '../case/model';

export const caseTable = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB TTL on AWS (dynalite ignores it: readers check it themselves). */
  timeToLiveAttribute: 'expiresAt',
  /**
   * What each index copies of an item (`ALL`, or the listed attributes besides the keys): every write
   * of an item in an index is a write of its projection too, so an index holds only what its
   * queries read.
   * - gsi1 is on its way out (`retiringIndexes`): it copied every case whole at each write, for lists
   *   that read a case's head (the sweeps), its summary (the recap) or, a few times a quarter, the
   *   whole case (the review's letters).
   * - gsi2 is gone: it copied every case whole into a second index at each write, for the review's
   *   month lists, which now read the keys from gsi6 (same key attributes) and each case by its key.
   * - gsi3: the pending-mail sweep reads whole mail claims; the open cases that sit in the index by
   *   their due time are read by id from it (`openCasesDueBefore` fetches each case), so a case
   *   write no longer copies the whole case (texts and all) into it.
   * - gsi4: "Tugas saya" reads an entry's case, slot and kind, and a grant's fields; never a task's
   *   texts or decision.
   * - gsi6: the recap reads a month's report summaries only (`rpt`, and `submittedAt` for the filter on
   *   the ended list): a small item per case instead of the whole case. Its keys are the attributes
   *   gsi2pk/gsi2sk (once gsi2's), so the items written before it existed are in it too; DynamoDB writes the
   *   index only when a write changes `rpt`, `submittedAt` or the keys (a write unit per KB of summary).
   * - gsi7: the cases by agency and status, keyed on gsi1's own attributes gsi1pk/gsi1sk (every case
   *   written before it existed is in it once built, nothing to backfill), holding a case's head only
   *   (`CASE_HEAD_ATTRIBUTES`, ≈ 0.6 KB): DynamoDB writes it when the status, the current step or the
   *   execution changes, one write unit, instead of 1–4 at every case write as gsi1 did. The sweeps
   *   (every 5 minutes, over every open case) read the heads; the recap (the open cases' summaries,
   *   monthly) and the review's letters (whole cases) read each case by its key: the summary in the index
   *   would cost 3–18 more write units per case (18–71 escalated), for half a read unit saved per open
   *   case and recap (README, Bench, "h-gsi1", has the arithmetic).
   */
  indexes: [
    {
      name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk',
      projection: ['itemType', 'caseId', 'key', 'state', 'template', 'recipientRole', 'attempts', 'attemptedAt', 'redo', 'messageId', 'sentAt', 'grant'],
    },
    {
      name: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk',
      projection: ['itemType', 'caseId', 'slot', 'keyHash', 'personId', 'role', 'may', 'reason', 'level', 'phaseId', 'basis', 'grantedAt', 'status'],
    },
    {
      name: 'gsi5', partitionKey: 'gsi5pk', sortKey: 'gsi5sk',
      // What a dashboard row shows and filters on (shared/case/keys.ts `openCaseIndexKeys`); never the description.
      projection: [
        'caseId', 'trackingId', 'agencyId', 'sopId', 'routedAgencyId', 'title', 'category', 'channel', 'submittedAt', 'status',
        'currentStep', 'confidential', 'anonymous', 'reporter', 'gsi5sub', 'gsi5esc', 'gsi5rep',
      ],
    },
    { name: 'gsi6', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: ['rpt', 'submittedAt'] },
    { name: 'gsi7', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: CASE_HEAD_ATTRIBUTES },
  ],
  /**
   * Indexes a deployed table may still have, which the tables made now do not: the readers fall back to
   * them while their successor cannot be read. CloudFormation adds or deletes one index per update, so
   * a stage keeps them (`keepGsi1`, infra/aws/settings.ts) for the deployment that adds the successor,
   * and drops them in a later one (README, "Deploy to AWS").
   */
  retiringIndexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'ALL' },
  ],
} as const;

export type CaseTableIndex = (typeof caseTable.indexes)[number] | (typeof caseTable.retiringIndexes)[number];
export type CaseTableIndexName = CaseTableIndex['name'];

/** An index as its readers see it (its projection `ALL`, or the attributes it copies besides the keys). */
export interface CaseIndexDefinition {
  readonly name: CaseTableIndexName;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly projection: 'ALL' | readonly string[];
}

