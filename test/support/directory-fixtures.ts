/**
 * Directories for tests, built from the demo: a copy to change (a transfer, a new Plt), and a
 * large regency's directory (~2,000 officials) to prove the store's chunking.
 */
import { demoDirectory } from '../../shared/directory';
import type { Directory, Official } from '../../shared/directory/schema';

/** A deep copy of the demo directory, as a file an operator would edit (plain JSON). */
export function demoCopy(): Directory {
  return JSON.parse(JSON.stringify(demoDirectory)) as Directory;
}

/** The directory with the holder of `role` in `agencyId` replaced by `by` (a transfer: the old holder leaves). */
export function withNewHolder(directory: Directory, agencyId: string, role: string, by: Omit<Official, 'role' | 'acting' | 'language'>): Directory {
  const copy = JSON.parse(JSON.stringify(directory)) as Directory;
  const agency = copy.agencies.find((a) => a.id === agencyId)!;
  const index = agency.officials.findIndex((o) => o.role === role && !o.acting);
  agency.officials[index] = { ...by, role, acting: false, language: 'id' };
  return copy;
}

const givenNames = ['Ahmad', 'Siti', 'Budi', 'Dewi', 'Rizky', 'Nur', 'Agus', 'Rina', 'Hendra', 'Wulan', 'Fajar', 'Indah'];
const familyNames = ['Saputra', 'Lestari', 'Hidayat', 'Rahmawati', 'Pratama', 'Kurniawan', 'Susanti', 'Wijaya', 'Handayani', 'Nugroho'];

/**
 * The demo regency grown to `count` officials: each agency's roles held by many more people
 * (regular and acting), every one with an id and an address of their own.
 */
export function largeDirectory(count = 2_000): Directory {
  const copy = demoCopy();
  const units = [copy.inspectorate, ...copy.agencies];
  const existing = units.reduce((n, u) => n + u.officials.length, 0);
  for (let i = 0; i < count - existing; i++) {
    const unit = units[i % units.length]!;
    const roles = [...new Set(unit.officials.map((o) => o.role))];
    const name = `${givenNames[i % givenNames.length]} ${familyNames[(i * 7) % familyNames.length]} ${i}`;
    unit.officials.push({
      id: `${unit.id}-pegawai-${i}`,
      name: `${name}, S.Sos.`,
      email: `pegawai.${i}@${unit.id}.musitanggap.example.go.id`,
      title: `Pelaksana Layanan Pengaduan ${i % 40 === 0 ? '(Plh.)' : 'Tingkat Pertama'}`,
      role: roles[i % roles.length]!,
      acting: i % 40 === 0,
      language: i % 9 === 0 ? 'en' : 'id',
    });
  }
  return copy;
}

export const officialsIn = (d: Directory) => d.inspectorate.officials.length + d.agencies.reduce((n, a) => n + a.officials.length, 0);
