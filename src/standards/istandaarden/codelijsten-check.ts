/**
 * What the iJw/iWmo structure model demands of the code-list data (src/codelijsten/), checked at
 * start next to the files' own checks: a waardenlijst for exactly the coded basisschema types,
 * values that fit their type's length, a code list for every coded element in both standaarden,
 * and no code a rule would accept that the XSD refuses.
 */
import { join } from 'node:path';
import { CodelijstFout, ISTANDAARDEN_BESTAND, type Codelijsten } from '../../codelijsten/index.js';
import { STANDAARDEN } from './catalog.js';
import { CODELIJST_ELEMENTEN, type CodelijstElement } from './codelists.js';
import { SIMPLE_TYPES } from './schema/model.js';

/** The basisschema type of each coded element. */
const TYPE_VAN: Readonly<Record<CodelijstElement, string>> = {
  Categorie: 'LDT_ProductCategorie',
  Eenheid: 'LDT_Eenheid',
  Frequentie: 'LDT_Frequentie',
  RedenWijziging: 'LDT_RedenWijziging',
  RedenBeeindiging: 'LDT_RedenBeeindiging',
  RedenVerzoek: 'LDT_RedenVerzoek',
  RedenAfwijzingVerzoek: 'LDT_RedenAfwijzingVerzoek',
  Type: 'LDT_TypeVerwijzer',
};

/** Throws a CodelijstFout naming istandaarden.json and the entry when the lists do not fit the model. */
export function controleerIstandaardenCodelijsten(lijsten: Codelijsten): void {
  const c = lijsten.istandaarden;
  const fout = (plek: string, probleem: string): never => {
    throw new CodelijstFout(join(lijsten.map, ISTANDAARDEN_BESTAND), plek, probleem);
  };
  const gecodeerd = new Map(SIMPLE_TYPES.filter((t) => t.gecodeerd).map((t) => [t.name, t]));
  for (const type of c.waardenlijsten.keys()) if (!gecodeerd.has(type)) fout(`waardenlijsten.${type}`, 'is not a coded basisschema type of iJw/iWmo 3.2');
  for (const [type, def] of gecodeerd) {
    const lijst = c.waardenlijsten.get(type) ?? fout(`waardenlijsten.${type}`, 'is missing: the basisschema restricts this type by a waardenlijst');
    for (const s of STANDAARDEN) {
      const te = lijst[s].find((w) => def.maxLength !== undefined && w.length > def.maxLength);
      if (te !== undefined) fout(`waardenlijsten.${type}`, `value ${te} is longer than the ${def.maxLength} positions of ${type}`);
    }
  }
  for (const s of STANDAARDEN) {
    for (const element of CODELIJST_ELEMENTEN) {
      const id = c.elementen[s].get(element) ?? fout(`elementen.${s}`, `has no code list for ${element}`);
      const toegestaan = new Set(c.waardenlijsten.get(TYPE_VAN[element])![s]);
      for (const code of c.codelijsten.get(id)!.codes.keys()) {
        if (!toegestaan.has(code)) fout(`codelijsten.${id}`, `code ${code} (for ${element} in ${s}) is not in waardenlijsten.${TYPE_VAN[element]}`);
      }
    }
    for (const element of c.elementen[s].keys()) {
      if (!(CODELIJST_ELEMENTEN as readonly string[]).includes(element)) fout(`elementen.${s}.${element}`, `is not a coded element (known: ${CODELIJST_ELEMENTEN.join(', ')})`);
    }
  }
}
