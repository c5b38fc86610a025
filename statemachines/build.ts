/**
 * `npm run compile-sops`: writes statemachines/<sopId>.asl.json for every SOP, and
 * statemachines/<sopId>.<reportId>.review.asl.json for every report with a review chain. The files are
 * committed so a reviewer reads the machines in a diff; a test fails when they are stale.
 * An SOP the compiler refuses is named with the reason, and the command fails.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sops } from '../shared/sops';
import { compileSop, renderAsl } from './compile';
import { compileReportReview, reviewedReports } from './report-review';

for (const sop of sops) {
  try {
    const file = join(__dirname, `${sop.id}.asl.json`);
    writeFileSync(file, renderAsl(compileSop(sop)));
    console.log(`wrote ${file}`);
  } catch (err) {
    console.error(`SOP ${sop.id} (shared/sops/${sop.id}.sop.json): ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}

for (const { sop, report, stem } of reviewedReports(sops)) {
  try {
    const file = join(__dirname, `${stem}.asl.json`);
    writeFileSync(file, renderAsl(compileReportReview(sop, report)));
    console.log(`wrote ${file}`);
  } catch (err) {
    console.error(`Report ${report.id} of SOP ${sop.id}: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
