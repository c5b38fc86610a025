/**
 * Who is who for a case: the holders of an SOP role, the superior and the head of a role's unit,
 * the Bupati, and the acting officials (Plt/Plh) who may take a task over. Pure lookups.
 */
import type { Agency, Directory, Official, Person, Unit } from './schema';
import type { Role, Sop } from '../sop/schema';

/** Where a case stands in the directory: its agency, and where SP4N-LAPOR! routed it. */
export interface CaseUnits {
  agencyId: string;
  routedAgencyId?: string;
}

/** The id the inspectorate goes by as a routing target. */
export const INSPECTORATE = 'inspectorate';

export function findAgency(directory: Directory, agencyId: string): Agency | undefined {
  return directory.agencies.find((a) => a.id === agencyId);
}

/** The directory unit that holds `role` for this case, or undefined when the case has not been routed yet. */
export function unitOf(directory: Directory, role: Role, units: CaseUnits): Unit | undefined {
  switch (role.unit) {
    case 'agency':
      return findAgency(directory, units.agencyId);
    case 'inspectorate':
      return directory.inspectorate;
    case 'routedAgency':
      if (!units.routedAgencyId) return undefined;
      return units.routedAgencyId === INSPECTORATE || units.routedAgencyId === directory.inspectorate.id
        ? directory.inspectorate
        : findAgency(directory, units.routedAgencyId);
    case 'regency':
      return undefined;
  }
}

export function findRole(sop: Sop, roleId: string): Role {
  const role = sop.roles.find((r) => r.id === roleId);
  if (!role) throw new Error(`SOP ${sop.id} has no role "${roleId}"`);
  return role;
}

/** The officials who hold an SOP role for a case: the regular holders first, acting ones last. */
export function holdersOf(directory: Directory, sop: Sop, roleId: string, units: CaseUnits): Official[] {
  const role = findRole(sop, roleId);
  // The regency has one holder of its one role: the Bupati (a monitoring path's last step).
  if (role.unit === 'regency') return [{ ...directory.bupati, role: role.directoryRole, acting: false }];
  const unit = unitOf(directory, role, units);
  if (!unit) return [];
  const holders = unit.officials.filter((o) => o.role === role.directoryRole);
  return [...holders.filter((o) => !o.acting), ...holders.filter((o) => o.acting)];
}

/** The one official a new task of this role goes to (the first regular holder). */
export function assigneeOf(directory: Directory, sop: Sop, roleId: string, units: CaseUnits): Official | undefined {
  return holdersOf(directory, sop, roleId, units)[0];
}

/** The superior of a role for a case (the SOP's `superior`), falling back to the unit's head. */
export function superiorOf(directory: Directory, sop: Sop, roleId: string, units: CaseUnits): Person | undefined {
  const role = findRole(sop, roleId);
  if (role.superior) {
    const holder = assigneeOf(directory, sop, role.superior, units);
    if (holder) return holder;
  }
  return headOf(directory, sop, roleId, units);
}

/** The head of the unit that holds this role for the case (Kepala Dinas, Inspektur). */
export function headOf(directory: Directory, sop: Sop, roleId: string, units: CaseUnits): Person | undefined {
  return unitOf(directory, findRole(sop, roleId), units)?.head;
}

/** Acting officials (Plt/Plh) and other holders of the same role who may take a task over from `currentId`. */
export function reassignmentCandidates(directory: Directory, sop: Sop, roleId: string, units: CaseUnits, currentId: string): Official[] {
  return holdersOf(directory, sop, roleId, units).filter((o) => o.id !== currentId);
}

/**
 * The SOP role a person holds for a case, if any: the capacity in which someone the ladder notifies
 * sees the case — `preferred` when they hold it (the role the ladder reached them through), else
 * the first they hold in the SOP's order. The Bupati holds none (the regency lists no officials).
 */
export function roleHeldBy(directory: Directory, sop: Sop, personId: string, units: CaseUnits, preferred?: string): Role | undefined {
  const holds = (r: Role) => holdersOf(directory, sop, r.id, units).some((o) => o.id === personId);
  return sop.roles.find((r) => r.id === preferred && holds(r)) ?? sop.roles.find(holds);
}

/** Every person of the directory by id (officials, heads, the Bupati, the admin). */
export function findPerson(directory: Directory, personId: string): Person | undefined {
  const everyone: Person[] = [
    directory.bupati, directory.admin, directory.inspectorate.head, ...directory.inspectorate.officials,
    ...directory.agencies.flatMap((a) => [a.head, ...a.officials]),
  ];
  return everyone.find((p) => p.id === personId);
}
