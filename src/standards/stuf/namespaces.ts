/**
 * The namespaces of the StUF channel, by the prefixes docs/stuf/zds.md uses ("Namespaces").
 *
 * Match elements on these URIs, never on a prefix: a sender may choose any prefix.
 */
export const STUF_NS = {
  /** SOAP 1.1 envelope. */
  soapenv: 'http://schemas.xmlsoap.org/soap/envelope/',
  /** StUF 03.01 onderlaag: stuurgegevens, Bv03/Fo02, attributes such as noValue. */
  StUF: 'http://www.egem.nl/StUF/StUF0301',
  /** StUF-ZKN 03.10: zaken and documenten, and (as in the contract) the message roots. */
  ZKN: 'http://www.egem.nl/StUF/sector/zkn/0310',
  /** StUF-BG 03.10: persons (inp.bsn, inn.nnpId). */
  BG: 'http://www.egem.nl/StUF/sector/bg/0310',
  /** The ZDS 1.2 koppelvlak: the target namespace of the WSDLs. */
  ZDS: 'http://www.stufstandaarden.nl/koppelvlak/zds0120',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  /** xmime:contentType on document content. */
  xmime: 'http://www.w3.org/2005/05/xmlmime',
} as const;

export type StufPrefix = keyof typeof STUF_NS;

/**
 * Prefix → URI for serialising StUF messages (serializeXml's `namespaces` option), so that what
 * knooppunt writes uses the prefixes of the contract.
 */
export const STUF_PREFIXEN: Readonly<Record<string, string>> = {
  StUF: STUF_NS.StUF,
  ZKN: STUF_NS.ZKN,
  BG: STUF_NS.BG,
  xsi: STUF_NS.xsi,
};
