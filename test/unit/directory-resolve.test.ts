/**
 * The SOP role someone the escalation ladder reaches sees a case in: it decides whether their link
 * shows a confidential reporter.
 */
import { roleHeldBy } from '../../shared/directory/resolve';
import { demoDirectory } from '../../shared/directory';
import { getSop } from '../../shared/sops';

const lapor = getSop('sp4n-lapor-muara-enim');
// Routed to the inspectorate, its liaison holds two roles of SP4N-LAPOR!: the agency liaison and the APIP liaison.
const routed = { agencyId: 'kominfo-muara-enim', routedAgencyId: 'inspectorate' };

test.each([
  ['the first role held, in the SOP\'s order, without a preference', 'apip-penghubung', undefined, 'penghubung-instansi'],
  ['the role the ladder came through, when held', 'apip-penghubung', 'penghubung-apip', 'penghubung-apip'],
  ['the first role held, when the preferred one is not', 'apip-penghubung', 'kepala-dinas', 'penghubung-instansi'],
  // The SOP's own Bupati role (the reprimand task of SP4N-LAPOR! row 5), which sees no reporter.
  ['the Bupati\'s own role', 'bupati', 'kepala-dinas', 'bupati'],
])('%s', (_what, personId, preferred, expected) => {
  expect(roleHeldBy(demoDirectory, lapor, personId, routed, preferred)?.id).toBe(expected);
});
