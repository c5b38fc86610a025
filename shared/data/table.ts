/**
 * The single DynamoDB table: its key design and indexes, as data read by the CDK app, the
 * local runtime (which creates it on dynalite) and the DynamoDB adapter. One table, no Scan on
 * any request path, no TransactWriteItems (conditional single-item writes only).
 *
 * | access pattern                     | how                                                     |
 * |------------------------------------|---------------------------------------------------------|
 * | case by id                         | GetItem pk=CASE#<caseId>, sk=CASE                       |
 * | case by tracking id                | GetItem pk=TRACK#<trackingId>, sk=TRACK -> caseId        |
 * | events of a case, in order         | Query pk=CASE#<caseId>, sk begins_with EVENT#, sorted by `order` (write time); an event with a once-key at EVENT#o#<key>, PutItem if not exists (its own once-marker), others at EVENT#r#<order>#<uuid> |
 * | task of a case by slot             | GetItem pk=CASE#<caseId>, sk=TASK#<slot>                |
 * | task by link key (hash)            | GetItem pk=TASKKEY#<keyHash>, sk=TASKKEY -> caseId, slot (+ holder=grant) |
 * | grant of a link key                | GetItem pk=CASE#<caseId>, sk=GRANT#<slot>#<keyHash>     |
 * | grants of a task                   | Query pk=CASE#<caseId>, sk begins_with GRANT#<slot>#    |
 * | once-only markers (emails sent...) | PutItem pk=CASE#<caseId>, sk=ONCE#<key>, if not exists  |
 * | email claims (pending, sent, failed) | pk=CASE#<caseId>, sk=ONCE#mail#<key>: PutItem if not exists, then conditional updates |
 * | emails pending (the repair sweep)  | Query gsi3: gsi3pk=MAIL#pending, gsi3sk=<attemptedAt>#<caseId>#<key>; sparse, removed when sent or failed |
 * | cases by agency and status         | Query gsi1: gsi1pk=AGENCY#<agencyId>#<status>, gsi1sk=submittedAt |
 * | cases by month (reports)           | Query gsi2: gsi2pk=MONTH#<yyyy-mm>, gsi2sk=<agencyId>#<submittedAt>#<caseId> |
 * | cases ended in a month (reports)   | Query gsi2: gsi2pk=ENDED#<yyyy-mm>, gsi2sk=<agencyId>#<closedAt>#<caseId>; on a copy of the ended case (pk=CASE#<caseId>, sk=ENDED) |
 * | open cases by due time             | Query gsi3: gsi3pk=DUE#<agencyId>, gsi3sk=<dueAt>; sparse, removed when closed |
 * | suppressed mail address           | GetItem/PutItem pk=SUPPRESS#<sha-256 of the address>, sk=SUPPRESS |
 * | idempotency records (Powertools)   | pk=IDEMPOTENCY#intake, sk=<hash of the key>, expiresAt |
 * | directory in use (pointer)         | GetItem pk=DIRECTORY, sk=CURRENT -> version, loadedBy, loadedAt, sha256 |
 * | a directory version, whole         | Query pk=DIRECTORY, sk begins_with V#<000000001># (META + gzipped chunks C#<i>) |
 * | daily quotas (acknowledgements)    | UpdateItem pk=QUOTA#<name>#<day>, sk=QUOTA: ADD used if used < limit; expiresAt |
 * | a person's open tasks ("Tugas saya") | Query gsi4: gsi4pk=INBOX#<personId>, gsi4sk=<dueAt>#<caseId>#<slot>#T (a task item, while open, by its assignee) or …#G#<keyHash> (an act grant of the ladder, by its holder); sparse |
 * | sign-in link (hash)                | PutItem pk=SIGNIN#<hash>, sk=SIGNIN; UpdateItem sets usedAt once, if unexpired; expiresAt |
 * | officials' session (hash)          | PutItem / GetItem / DeleteItem pk=SESSION#<hash>, sk=SESSION -> personId, directoryVersion; expiresAt |
 */
export const caseTable = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB TTL on AWS (dynalite ignores it: readers check it themselves). */
  timeToLiveAttribute: 'expiresAt',
  indexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    { name: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
  ],
} as const;

export type CaseTableIndexName = (typeof caseTable.indexes)[number]['name'];
