/**
 * XSD validation of StUF messages (docs/stuf/zds.md) with the shared libxml2 core (src/xml/xsd.ts).
 *
 * One compiled schema covers every message of the channel: the entry schemas/stuf/zds0120/
 * zds0120_msg.xsd declares the ZKN message roots and imports StUF (Bv03Bericht, Fo02Bericht,
 * Fo03Bericht) and BG. A document to validate is one message: the SOAP Body's child serialised as
 * a document (not the envelope). Issues never contain values from the document.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../../util/paths.js';
import { serializeXml } from '../../xml/build.js';
import type { XmlElement } from '../../xml/parse.js';
import { XsdSchemaSet, type XsdIssue } from '../../xml/xsd.js';
import { OfficialStufSchemas } from './official-schemas.js';
import { alsZds11 } from './operaties.js';
import { STUF_NS } from './namespaces.js';

export type { XsdIssue } from '../../xml/xsd.js';

/** The schema files, relative to schemas/stuf/. */
export const STUF_XSD_BESTANDEN = [
  'stuf0301/stuf0301.xsd',
  'zkn0310/zkn0310.xsd',
  'bg0310/bg0310.xsd',
  'xmlmime/xmlmime.xsd',
  'zds0120/zds0120_msg.xsd',
] as const;

export const STUF_XSD_ENTRY = 'zds0120/zds0120_msg.xsd';

/** The message roots the schema declares: what may be validated. */
export const STUF_BERICHTEN: ReadonlyArray<{ ns: string; name: string }> = [
  ...['genereerZaakIdentificatie_Di02', 'genereerZaakIdentificatie_Du02', 'zakLk01', 'edcLk01', 'zakLv01', 'zakLa01', 'edcLv01', 'edcLa01'].map((name) => ({ ns: STUF_NS.ZKN, name })),
  ...['Bv03Bericht', 'Fo02Bericht', 'Fo03Bericht'].map((name) => ({ ns: STUF_NS.StUF, name })),
];

/** The default folder with the StUF schemas. */
export function defaultStufSchemasDir(): string {
  return join(projectRoot(), 'schemas', 'stuf');
}

/** What the channel validates StUF messages with: knooppunt's own schemas, or the official ones. */
export interface StufValidator {
  /** `knooppunt` (schemas/stuf) or `officieel` (KNOOPPUNT_STUF_XSD_DIR). */
  readonly bron: 'knooppunt' | 'officieel';
  /** Validates one message given as a document. */
  validate(xml: string | Uint8Array): XsdIssue[];
  /** Validates one parsed message (the SOAP Body's child), in whichever wire form it came. */
  validateBericht(el: XmlElement): XsdIssue[];
  dispose(): void;
}

function document(el: XmlElement): string {
  return serializeXml(el, { declaration: true });
}

/** The official sets behind the StufValidator interface. */
class OfficieleValidator implements StufValidator {
  readonly bron = 'officieel' as const;
  constructor(private readonly sets: OfficialStufSchemas) {}
  validate(xml: string | Uint8Array): XsdIssue[] {
    return this.sets.validate(xml);
  }
  validateBericht(el: XmlElement): XsdIssue[] {
    return this.sets.validate(document(el));
  }
  dispose(): void {
    this.sets.dispose();
  }
}

/**
 * The validator the gateway runs with: the official schema folder when `officialDir` is set
 * (KNOOPPUNT_STUF_XSD_DIR; a folder that does not compile fails the start), else knooppunt's own.
 */
export async function loadStufValidator(opts: { schemasDir?: string; officialDir?: string }): Promise<StufValidator> {
  if (opts.officialDir) {
    try {
      return new OfficieleValidator(OfficialStufSchemas.load(opts.officialDir));
    } catch (err) {
      throw new Error(`KNOOPPUNT_STUF_XSD_DIR ${opts.officialDir}: the official StUF schemas do not load: ${(err as Error).message}`);
    }
  }
  return StufSchemas.load(opts.schemasDir);
}

/** The compiled StUF schema of the channel. */
export class StufSchemas implements StufValidator {
  readonly bron = 'knooppunt' as const;

  private constructor(private readonly set: XsdSchemaSet) {}

  /** Reads the XSDs under `schemasDir` (the only file access) and compiles them. */
  static async load(schemasDir: string = defaultStufSchemasDir()): Promise<StufSchemas> {
    const teksten = await Promise.all(STUF_XSD_BESTANDEN.map((f) => readFile(join(schemasDir, ...f.split('/')))));
    const files = Object.fromEntries(STUF_XSD_BESTANDEN.map((f, i) => [f, teksten[i]!]));
    const berichten = STUF_BERICHTEN.map((b) => b.name).join(', ');
    const set = await XsdSchemaSet.load(files, STUF_XSD_ENTRY, {
      hooks: {
        rootNotDeclared: ({ name, ns, safeName }) => {
          if (name === 'Envelope' && ns === STUF_NS.soapenv) return `${safeName}: validate the message (the SOAP Body's child), not the envelope`;
          // A known message in another namespace: the generic text names the expected namespace.
          if (STUF_BERICHTEN.some((b) => b.name === name)) return undefined;
          return `${safeName}: root element is not a message of the StUF channel (expected one of ${berichten})`;
        },
      },
    });
    return new StufSchemas(set);
  }

  /** Validates one message. Returns the issues, empty when it is valid. */
  validate(xml: string | Uint8Array): XsdIssue[] {
    return this.set.validate(xml);
  }

  /** Validates one parsed message; a ZDS 1.2 kennisgeving or question in its ZDS 1.1 form (the content is the same). */
  validateBericht(el: XmlElement): XsdIssue[] {
    return this.set.validate(document(alsZds11(el)));
  }

  /** Frees the compiled schema. */
  dispose(): void {
    this.set.dispose();
  }
}
