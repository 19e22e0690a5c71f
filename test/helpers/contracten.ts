/** Helpers for the contract register tests: the Twente example register, a small test register, 323 builders. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RegisterInhoud } from '../../src/contracten/model.js';
import { basisschemaNamespace, berichtNamespace, berichtPrefix, type Standaard } from '../../src/standards/istandaarden/catalog.js';
import { projectRoot } from '../../src/util/paths.js';

export const TWENTE_REGISTER = join(projectRoot(), 'config', 'contracten', 'twente-register.json');

export function twenteRegister(): RegisterInhoud {
  return JSON.parse(readFileSync(TWENTE_REGISTER, 'utf8')) as RegisterInhoud;
}

/** Whether the project's 323 schema has the flat 3.2 ProductCategorie/ProductCode (else nested Product). */
export function vlakkeProducten(standaard: Standaard = 'ijw'): boolean {
  const dir = join(projectRoot(), 'schemas', 'istandaarden', standaard);
  try {
    const bestanden = readFileSync(join(dir, '3_2', standaard === 'ijw' ? 'jw323.xsd' : 'wmo323.xsd'), 'utf8');
    return bestanden.includes('ProductCategorie');
  } catch {
    return false;
  }
}

export interface TestPrestatie {
  bsn: string;
  toewijzingNummer: string;
  categorie: string;
  code: string;
  begindatum: string;
  einddatum: string;
  volume: number;
  eenheid: string;
  tarief: number;
  referentie: string;
}

/** A valid 323 (totals add up, amount = volume × tariff) in the shape the project's schema has. */
export function declaratie323(opts: { standaard?: Standaard; afzender: string; ontvanger: string; identificatie: string; dagtekening: string; periode: { van: string; tot: string }; prestaties: TestPrestatie[]; vlak?: boolean }): string {
  const standaard = opts.standaard ?? 'ijw';
  const b = berichtPrefix(standaard, '323');
  const i = standaard;
  const vlak = opts.vlak ?? vlakkeProducten(standaard);
  const perClient = new Map<string, TestPrestatie[]>();
  for (const p of opts.prestaties) perClient.set(p.bsn, [...(perClient.get(p.bsn) ?? []), p]);
  let totaal = 0;
  const clients = [...perClient.entries()].map(([bsn, ps]) => {
    const prestaties = ps.map((p) => {
      const bedrag = p.volume * p.tarief;
      totaal += bedrag;
      const product = vlak
        ? `<${b}:ProductCategorie>${p.categorie}</${b}:ProductCategorie><${b}:ProductCode>${p.code}</${b}:ProductCode>`
        : `<${b}:Product><${i}:Categorie>${p.categorie}</${i}:Categorie><${i}:Code>${p.code}</${i}:Code></${b}:Product>`;
      return (
        `<${b}:Prestatie><${b}:ProductReferentie><${i}:ReferentieNummer>${p.referentie}</${i}:ReferentieNummer></${b}:ProductReferentie>` +
        `<${b}:ToewijzingNummer>${p.toewijzingNummer}</${b}:ToewijzingNummer>${product}` +
        `<${b}:ProductPeriode><${i}:Begindatum>${p.begindatum}</${i}:Begindatum><${i}:Einddatum>${p.einddatum}</${i}:Einddatum></${b}:ProductPeriode>` +
        `<${b}:GeleverdVolume>${p.volume}</${b}:GeleverdVolume><${b}:Eenheid>${p.eenheid}</${b}:Eenheid><${b}:ProductTarief>${p.tarief}</${b}:ProductTarief>` +
        `<${b}:IngediendBedrag><${i}:Bedrag>${bedrag}</${i}:Bedrag><${i}:DebetCredit>D</${i}:DebetCredit></${b}:IngediendBedrag></${b}:Prestatie>`
      );
    });
    return `<${b}:Client><${b}:Bsn>${bsn}</${b}:Bsn><${b}:Prestaties>${prestaties.join('')}</${b}:Prestaties></${b}:Client>`;
  });
  const totaalEl = vlak ? 'TotaalIngediendBedrag' : 'TotaalBedrag';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${b}:Bericht xmlns:${b}="${berichtNamespace(standaard, '323')}" xmlns:${i}="${basisschemaNamespace(standaard)}">` +
    `<${b}:Header><${b}:BerichtCode>${standaard === 'ijw' ? 490 : 484}</${b}:BerichtCode><${b}:BerichtVersie>3</${b}:BerichtVersie><${b}:BerichtSubversie>2</${b}:BerichtSubversie>` +
    `<${b}:Afzender>${opts.afzender}</${b}:Afzender><${b}:Ontvanger>${opts.ontvanger}</${b}:Ontvanger>` +
    `<${b}:BerichtIdentificatie><${i}:Identificatie>${opts.identificatie}</${i}:Identificatie><${i}:Dagtekening>${opts.dagtekening}</${i}:Dagtekening></${b}:BerichtIdentificatie>` +
    `<${b}:XsdVersie><${i}:BasisschemaXsdVersie>1.0.0</${i}:BasisschemaXsdVersie><${i}:BerichtXsdVersie>1.0.0</${i}:BerichtXsdVersie></${b}:XsdVersie></${b}:Header>` +
    `<${b}:Declaratie><${b}:DeclaratieNummer>${`D${opts.identificatie}`.slice(0, 15)}</${b}:DeclaratieNummer>` +
    `<${b}:DeclaratiePeriode><${i}:Begindatum>${opts.periode.van}</${i}:Begindatum><${i}:Einddatum>${opts.periode.tot}</${i}:Einddatum></${b}:DeclaratiePeriode>` +
    (vlak ? `<${b}:DeclaratieDagtekening>${opts.dagtekening}</${b}:DeclaratieDagtekening>` : '') +
    `<${b}:${totaalEl}><${i}:TotaalBedrag>${totaal}</${i}:TotaalBedrag><${i}:DebetCredit>D</${i}:DebetCredit></${b}:${totaalEl}>` +
    `<${b}:Clienten>${clients.join('')}</${b}:Clienten></${b}:Declaratie></${b}:Bericht>\n`
  );
}
