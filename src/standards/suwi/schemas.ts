/**
 * XSD validation of SUWI-style bevragingen (docs/suwi/bevraging.md) with the shared libxml2 core
 * (src/xml/xsd.ts): schemas/suwi/suwi.xsd (BevragingVraag, BevragingAntwoord, FWI; namespace
 * urn:knooppunt:suwi:1) and schemas/suwi/bron.xsd (BronVraag, BronAntwoord; namespace
 * urn:knooppunt:suwi:bron:1). The two are independent, so each is compiled on its own and a
 * document goes to the one of its root's namespace.
 *
 * A document to validate is one message: the SOAP Body's child serialised as a document (not the
 * envelope). Issues never contain values from the document.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../../util/paths.js';
import { XsdSchemaSet, type XsdIssue, type XsdIssueHooks } from '../../xml/xsd.js';
import { SUWI_BRON_NS, SUWI_NS } from './xml.js';

export type { XsdIssue } from '../../xml/xsd.js';

export const SUWI_XSD = 'suwi.xsd';
export const SUWI_BRON_XSD = 'bron.xsd';
export const SUWI_WSDL = 'suwi.wsdl';

/** The default folder with the SUWI schemas and WSDL. */
export function defaultSuwiSchemasDir(): string {
  return join(projectRoot(), 'schemas', 'suwi');
}

const SOAPENV = 'http://schemas.xmlsoap.org/soap/envelope/';

function hooks(berichten: string): XsdIssueHooks {
  return {
    rootNotDeclared: ({ name, ns, safeName }) => {
      if (name === 'Envelope' && ns === SOAPENV) return `${safeName}: validate the message (the SOAP Body's child), not the envelope`;
      return `${safeName}: root element is not one of ${berichten}`;
    },
  };
}

/** The compiled SUWI schemas. */
export class SuwiSchemas {
  private constructor(
    private readonly suwi: XsdSchemaSet,
    private readonly bron: XsdSchemaSet,
  ) {}

  /** Reads suwi.xsd and bron.xsd under `schemasDir` (the only file access) and compiles them. */
  static async load(schemasDir: string = defaultSuwiSchemasDir()): Promise<SuwiSchemas> {
    const [suwi, bron] = await Promise.all([readFile(join(schemasDir, SUWI_XSD)), readFile(join(schemasDir, SUWI_BRON_XSD))]);
    return SuwiSchemas.compile(suwi, bron);
  }

  /** {@link load}, synchronously (for a channel that is built synchronously). */
  static loadSync(schemasDir: string = defaultSuwiSchemasDir()): SuwiSchemas {
    return SuwiSchemas.compile(readFileSync(join(schemasDir, SUWI_XSD)), readFileSync(join(schemasDir, SUWI_BRON_XSD)));
  }

  private static compile(suwi: Uint8Array, bron: Uint8Array): SuwiSchemas {
    const s = XsdSchemaSet.loadSync({ [SUWI_XSD]: suwi }, SUWI_XSD, { hooks: hooks('suwi:BevragingVraag, suwi:BevragingAntwoord, suwi:FWI') });
    try {
      return new SuwiSchemas(s, XsdSchemaSet.loadSync({ [SUWI_BRON_XSD]: bron }, SUWI_BRON_XSD, { hooks: hooks('bron:BronVraag, bron:BronAntwoord') }));
    } catch (err) {
      s.dispose();
      throw err;
    }
  }

  /**
   * Validates one message against the schema of its root's namespace (suwi or bron; any other root
   * is checked against suwi.xsd and so refused as not declared). Returns the issues, empty when valid.
   */
  validate(xml: string | Uint8Array): XsdIssue[] {
    return (rootNamespace(xml) === SUWI_BRON_NS ? this.bron : this.suwi).validate(xml);
  }

  /** Validates against suwi.xsd only. */
  validateSuwi(xml: string | Uint8Array): XsdIssue[] {
    return this.suwi.validate(xml);
  }

  /** Validates against bron.xsd only. */
  validateBron(xml: string | Uint8Array): XsdIssue[] {
    return this.bron.validate(xml);
  }

  /** Frees the compiled schemas. */
  dispose(): void {
    this.suwi.dispose();
    this.bron.dispose();
  }
}

/**
 * The namespace URI the root element's prefix is bound to, read from the start tag only (cheap,
 * and only to pick a schema: the chosen schema still validates the whole document).
 */
function rootNamespace(xml: string | Uint8Array): string | undefined {
  const head = typeof xml === 'string' ? xml.slice(0, 4096) : Buffer.from(xml.subarray(0, 4096)).toString('utf8');
  const masked = head.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, '');
  const tag = /<([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)([^>]*)>/.exec(masked);
  if (!tag) return undefined;
  const name = tag[1]!;
  const prefix = name.includes(':') ? name.slice(0, name.indexOf(':')) : '';
  const decl = new RegExp(`\\sxmlns${prefix === '' ? '' : `:${prefix}`}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tag[2]!);
  const uri = decl?.[1] ?? decl?.[2];
  return uri === SUWI_NS || uri === SUWI_BRON_NS ? uri : undefined;
}
