/** knooppunt's GGk schemas (schemas/ggk), compiled once: every envelope in and out is checked against them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XsdSchemaSet, type XsdIssue } from '../../xml/xsd.js';

export const GGK_XSD = 'ggk0210.xsd';
export const STUF_GGK_XSD = 'stuf0301-ggk.xsd';

export class GgkSchemas {
  private constructor(
    private readonly envelop: XsdSchemaSet,
    private readonly stuf: XsdSchemaSet,
  ) {}

  static load(dir: string): GgkSchemas {
    const files = { [GGK_XSD]: readFileSync(join(dir, GGK_XSD)), [STUF_GGK_XSD]: readFileSync(join(dir, STUF_GGK_XSD)) };
    return new GgkSchemas(XsdSchemaSet.loadSync(files, GGK_XSD), XsdSchemaSet.loadSync({ [STUF_GGK_XSD]: files[STUF_GGK_XSD] }, STUF_GGK_XSD));
  }

  /** A Di01 or Du01 envelope. */
  validateEnvelop(xml: string | Uint8Array): XsdIssue[] {
    return this.envelop.validate(xml);
  }

  /** A Fo01 or Bv03. */
  validateStuf(xml: string | Uint8Array): XsdIssue[] {
    return this.stuf.validate(xml);
  }
}
