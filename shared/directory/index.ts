/**
 * Loading the deployment directory: zod, then the checks that tie it to the SOPs (every role an
 * agency's SOP needs has a holder; ids and emails unique).
 */
import { Directory } from './schema';
import { sops } from '../sops';
import type { Sop } from '../sop/schema';
import demo from './demo.json';

export class InvalidDirectory extends Error {
  constructor(readonly problems: string[]) {
    super(`Directory: ${problems.join('; ')}`);
    this.name = 'InvalidDirectory';
  }
}

/** Parses a directory and checks it against the SOPs it names. */
export function parseDirectory(input: unknown, knownSops: readonly Sop[] = sops): Directory {
  const parsed = Directory.safeParse(input);
  if (!parsed.success) {
    throw new InvalidDirectory(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const directory = parsed.data;
  const problems: string[] = [];
  const agencyIds = new Set<string>();
  for (const agency of directory.agencies) {
    if (agencyIds.has(agency.id) || agency.id === directory.inspectorate.id) problems.push(`agency id "${agency.id}" is used twice`);
    agencyIds.add(agency.id);
    const sop = knownSops.find((s) => s.id === agency.sopId);
    if (!sop) {
      problems.push(`agency "${agency.id}": SOP "${agency.sopId}" does not exist`);
      continue;
    }
    for (const role of sop.roles.filter((r) => r.unit === 'agency')) {
      if (!agency.officials.some((o) => o.role === role.directoryRole && !o.acting)) {
        problems.push(`agency "${agency.id}": nobody holds role "${role.directoryRole}" that SOP "${sop.id}" needs`);
      }
    }
  }
  // Roles found in a routed agency or the inspectorate must exist in every unit they can land in.
  for (const sop of knownSops.filter((s) => directory.agencies.some((a) => a.sopId === s.id))) {
    for (const role of sop.roles) {
      const units =
        role.unit === 'routedAgency' ? [...directory.agencies, directory.inspectorate]
        : role.unit === 'inspectorate' ? [directory.inspectorate]
        : [];
      for (const unit of units) {
        const holds = unit.officials.some((o) => o.role === role.directoryRole && !o.acting);
        // A routed case reaches the inspectorate only through its liaison; other routed roles are agencies'.
        const needed = unit === directory.inspectorate ? role.unit === 'inspectorate' || role.directoryRole === 'penghubung' : true;
        if (needed && !holds) problems.push(`unit "${unit.id}": nobody holds role "${role.directoryRole}" that SOP "${sop.id}" may route to it`);
      }
    }
  }
  const personIds = new Map<string, string>();
  const everyone = [
    directory.bupati, directory.admin, directory.inspectorate.head, ...directory.inspectorate.officials,
    ...directory.agencies.flatMap((a) => [a.head, ...a.officials]),
  ];
  for (const person of everyone) {
    const known = personIds.get(person.id);
    if (known && known !== person.email) problems.push(`person id "${person.id}" names two people`);
    personIds.set(person.id, person.email);
  }
  if (problems.length > 0) throw new InvalidDirectory(problems);
  return directory;
}

/** The demo directory: a fictitious regency with the four agencies of the seed SOPs. */
export const demoDirectory: Directory = parseDirectory(demo);
