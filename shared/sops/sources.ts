/**
 * The SOP definitions as written, one JSON file each. Adding an agency's SOP is adding a file here
 * (and naming it below), then `npm run compile-sops`; the compiler and the handlers need no change.
 */
import perpustakaanMuba from './perpustakaan-muba.sop.json';
import dukcapilMura from './dukcapil-mura.sop.json';
import sp4nLaporMuaraEnim from './sp4n-lapor-muara-enim.sop.json';
import dinkesMuba from './dinkes-muba.sop.json';

export const sopSources: readonly unknown[] = [perpustakaanMuba, dukcapilMura, sp4nLaporMuaraEnim, dinkesMuba];
