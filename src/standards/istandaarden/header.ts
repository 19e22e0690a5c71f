/**
 * The Header every iJw/iWmo bericht starts with, read from a parsed tree. Its own module, with no
 * XML writer behind it: the channels and the document workers read headers and never build XML.
 */
import type { XmlElement } from '../../xml/parse.js';

/** The heenbericht header fields every bericht starts with (docs/istandaarden/berichten.md, "Header"). */
export interface BerichtHeader {
  berichtCode: number;
  versie: number;
  subversie: number;
  /** CBS gemeentecode (4 digits) or AGB code (8 digits), by direction. */
  afzender: string;
  ontvanger: string;
  identificatie: string;
  /** YYYY-MM-DD */
  dagtekening: string;
  xsdVersie: { basisschema: string; bericht: string };
}

/** A bericht whose Header is absent or incomplete; the message names the element, never a value. */
export class BerichtHeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BerichtHeaderError';
  }
}

/**
 * Reads the Header of a bericht (heenbericht or retourbericht: the first fields are the same).
 * Works on the real and on the neutral namespaces: the Header and its fields are looked up in the
 * root's namespace, the parts of CDT_BerichtIdentificatie and CDT_XsdVersie by local name.
 * Throws {@link BerichtHeaderError} naming the first missing or malformed element.
 */
export function readHeader(root: XmlElement): BerichtHeader {
  const header = root.children.find((c) => c.ns === root.ns && c.name === 'Header');
  if (!header) throw new BerichtHeaderError('iStandaarden bericht: the Header element is missing');
  const field = (name: string): XmlElement => {
    const el = header.children.find((c) => c.ns === root.ns && c.name === name);
    if (!el) throw new BerichtHeaderError(`iStandaarden bericht: Header/${name} is missing`);
    return el;
  };
  const text = (el: XmlElement, at: string): string => {
    const value = el.children.length === 0 ? (el.text ?? '').trim() : '';
    if (value === '') throw new BerichtHeaderError(`iStandaarden bericht: ${at} is empty`);
    return value;
  };
  const part = (parent: XmlElement, parentName: string, name: string): string => {
    const el = parent.children.find((c) => c.name === name);
    if (!el) throw new BerichtHeaderError(`iStandaarden bericht: Header/${parentName}/${name} is missing`);
    return text(el, `Header/${parentName}/${name}`);
  };
  const whole = (name: string): number => {
    const value = text(field(name), `Header/${name}`);
    if (!/^\d{1,9}$/.test(value)) throw new BerichtHeaderError(`iStandaarden bericht: Header/${name} is not a whole number`);
    return Number(value);
  };

  const berichtCode = whole('BerichtCode');
  const versie = whole('BerichtVersie');
  const subversie = whole('BerichtSubversie');
  const afzender = text(field('Afzender'), 'Header/Afzender');
  const ontvanger = text(field('Ontvanger'), 'Header/Ontvanger');
  const identificatie = field('BerichtIdentificatie');
  const xsd = field('XsdVersie');
  return {
    berichtCode,
    versie,
    subversie,
    afzender,
    ontvanger,
    identificatie: part(identificatie, 'BerichtIdentificatie', 'Identificatie'),
    dagtekening: part(identificatie, 'BerichtIdentificatie', 'Dagtekening'),
    xsdVersie: { basisschema: part(xsd, 'XsdVersie', 'BasisschemaXsdVersie'), bericht: part(xsd, 'XsdVersie', 'BerichtXsdVersie') },
  };
}
