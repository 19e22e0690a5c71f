/**
 * knooppunt's own ZDS WSDLs, written from the operation table (operaties.ts): one per endpoint and
 * wire form, with every operation knooppunt serves there, a SOAP 1.1 and a SOAP 1.2 binding, and
 * the messages, SOAPActions and element references of the official ZDS 1.1.02 / 1.2 WSDLs
 * (test/conformance/stuf-wsdl.test.ts proves that against ../shared/stuf-official).
 *
 * `npm run wsdl:stuf` (scripts/write-zds-wsdl.ts) writes them to schemas/stuf/zds-1.1/ and
 * schemas/stuf/zds-1.2/, next to the XSDs they import; a unit test keeps the files equal to this
 * writer. The soap:address is a placeholder the endpoint replaces with its real URL when serving.
 */
import { ACTION_STUF, ACTION_ZDS11, ACTION_ZDS12, ZDS_OPERATIES, type Vorm, type ZdsEndpoint, type ZdsOperatie } from './operaties.js';
import { STUF_NS } from './namespaces.js';

/** The folder (under schemas/stuf) and the file of each WSDL; the names follow the official files. */
export const ZDS_WSDL_FILES: Readonly<Record<Vorm, { dir: string; files: Record<ZdsEndpoint, string> }>> = {
  zds11: {
    dir: 'zds-1.1',
    files: {
      BeantwoordVraag: 'zkn0310_beantwoordVraag_zs-dms.wsdl',
      OntvangAsynchroon: 'zkn0310_ontvangAsynchroon_mutatie_zs-dms.wsdl',
      VerwerkSynchroonVrijBericht: 'zkn0310_vrijeBerichten_zs-dms.wsdl',
    },
  },
  zds12: {
    dir: 'zds-1.2',
    files: {
      BeantwoordVraag: 'zds0120_beantwoordVraag_zs-dms.wsdl',
      OntvangAsynchroon: 'zds0120_ontvangAsynchroon_zs-dms.wsdl',
      VerwerkSynchroonVrijBericht: 'zds0120_vrijeBerichten_zs-dms.wsdl',
    },
  },
};

/** The StUF messages (Bv01, Bv02, Bv03, Fo01, Fo02, Fo03) the WSDLs refer to, as the official stuf0301_types.wsdl has them. */
export const STUF_TYPES_WSDL = 'stuf0301_types.wsdl';

/** The message schema each form's WSDLs import (one file per namespace, under schemas/stuf/<dir>/). */
export const ZDS_WSDL_SCHEMAS: Readonly<Record<Vorm, { ns: string; file: string }>> = {
  zds11: { ns: STUF_NS.ZKN, file: 'zkn0310.xsd' },
  zds12: { ns: STUF_NS.ZDS, file: 'zds0120.xsd' },
};
export const STUF_SCHEMA_FILE = 'stuf0301.xsd';

/** The portType (and service) name of an endpoint in a form, as in the official WSDLs. */
export function portTypeNaam(vorm: Vorm, endpoint: ZdsEndpoint): string {
  return vorm === 'zds11' && endpoint === 'VerwerkSynchroonVrijBericht' ? 'VrijeBerichten' : endpoint;
}

/** The operations of an endpoint in a form, in table order. */
export function wsdlOperaties(vorm: Vorm, endpoint: ZdsEndpoint): ZdsOperatie[] {
  return ZDS_OPERATIES.filter((o) => o.endpoint === endpoint && (vorm === 'zds12' ? o.zds12 !== undefined : o.zds11 !== undefined));
}

interface WsdlOperatie {
  naam: string;
  soapAction: string;
  input: { message: string; element: string };
  output: { message: string; element: string };
  fault: string;
}

function beschrijf(vorm: Vorm, o: ZdsOperatie): WsdlOperatie {
  const p = vorm === 'zds11' ? 'ZKN' : 'ZDS';
  const f = vorm === 'zds11' ? o.zds11! : o.zds12!;
  // A StUF 03.01 bericht received (Bv01, Bv03, Fo01, Fo03): its messages are those of stuf0301_types.wsdl.
  if (o.stuf) return { naam: f.action, soapAction: ACTION_STUF + f.action, input: { message: `StUF:${f.action}`, element: `StUF:${f.root}` }, output: { message: 'StUF:Bv03', element: 'StUF:Bv03Bericht' }, fault: 'StUF:Fo03' };
  const actie = (vorm === 'zds11' ? ACTION_ZDS11 : ACTION_ZDS12) + f.action;
  // ZDS 1.1 names a message after its element; ZDS 1.2 after the operation.
  const inputMessage = vorm === 'zds11' ? f.root : f.action;
  let output: WsdlOperatie['output'];
  if (o.soort === 'kennisgeving' || o.soort === 'di01' || o.soort === 'du01') output = { message: 'StUF:Bv03', element: 'StUF:Bv03Bericht' };
  else if (o.soort === 'bv02') output = { message: 'StUF:Bv02', element: 'StUF:Bv02Bericht' };
  else {
    const root = vorm === 'zds11' ? o.antwoord!.zds11 : o.antwoord!.zds12;
    output = { message: `${p}:${vorm === 'zds11' ? root : f.action.replace(/Di02$/, 'Du02').replace(/Lv01$/, 'La01')}`, element: `${p}:${root}` };
  }
  return { naam: f.action, soapAction: actie, input: { message: `${p}:${inputMessage}`, element: `${p}:${f.root}` }, output, fault: o.endpoint === 'OntvangAsynchroon' ? 'StUF:Fo03' : 'StUF:Fo02' };
}

const local = (q: string): string => q.slice(q.indexOf(':') + 1);

/** The WSDL of one endpoint in one form. */
export function zdsWsdl(vorm: Vorm, endpoint: ZdsEndpoint): string {
  const tns = vorm === 'zds11' ? STUF_NS.ZKN : STUF_NS.ZDS;
  const p = vorm === 'zds11' ? 'ZKN' : 'ZDS';
  const naam = portTypeNaam(vorm, endpoint);
  const ops = wsdlOperaties(vorm, endpoint).map((o) => beschrijf(vorm, o));
  const schema = ZDS_WSDL_SCHEMAS[vorm];
  const messages = new Map<string, string>();
  for (const o of ops) {
    for (const m of [o.input, o.output]) if (m.message.startsWith(`${p}:`)) messages.set(local(m.message), m.element);
  }
  const versie = vorm === 'zds11' ? 'ZDS 1.1 (1.1.02, StUF-ZKN 03.10 zs-dms)' : 'ZDS 1.2 (zds0120)';
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push('<!--');
  out.push(`  knooppunt: the ${versie} service ${naam}, every operation knooppunt serves at /stuf/zds/${endpoint}.`);
  out.push('  Written by src/standards/stuf/zds-wsdl.ts (npm run wsdl:stuf); do not edit by hand. Document/literal,');
  out.push('  a SOAP 1.1 and a SOAP 1.2 binding of one portType; the soap:address is replaced by the endpoint URL when served.');
  out.push('-->');
  out.push(`<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:StUF="${STUF_NS.StUF}" xmlns:ZKN="${STUF_NS.ZKN}"${vorm === 'zds12' ? ` xmlns:ZDS="${STUF_NS.ZDS}"` : ''}`);
  out.push(`             xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" xmlns:xs="http://www.w3.org/2001/XMLSchema"`);
  out.push(`             name="${naam}" targetNamespace="${tns}">`);
  out.push(`  <import namespace="${STUF_NS.StUF}" location="${STUF_TYPES_WSDL}"/>`);
  out.push('  <types>');
  out.push('    <xs:schema>');
  out.push(`      <xs:import namespace="${schema.ns}" schemaLocation="${schema.file}"/>`);
  out.push('    </xs:schema>');
  out.push('  </types>');
  for (const [m, element] of messages) {
    out.push(`  <message name="${m}">`);
    out.push(`    <part name="body" element="${element}"/>`);
    out.push('  </message>');
  }
  out.push(`  <portType name="${naam}">`);
  for (const o of ops) {
    out.push(`    <operation name="${o.naam}">`);
    out.push(`      <input message="${o.input.message}"/>`);
    out.push(`      <output message="${o.output.message}"/>`);
    out.push(`      <fault name="fout" message="${o.fault}"/>`);
    out.push('    </operation>');
  }
  out.push('  </portType>');
  for (const [soap, suffix] of [['soap', ''], ['soap12', '12']] as const) {
    out.push(`  <binding name="SOAP${suffix}${naam}" type="${p}:${naam}">`);
    out.push(`    <${soap}:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>`);
    for (const o of ops) {
      out.push(`    <operation name="${o.naam}">`);
      out.push(`      <${soap}:operation soapAction="${o.soapAction}" style="document"/>`);
      out.push(`      <input><${soap}:body use="literal"/></input>`);
      out.push(`      <output><${soap}:body use="literal"/></output>`);
      out.push(`      <fault name="fout"><${soap}:fault name="fout" use="literal"/></fault>`);
      out.push('    </operation>');
    }
    out.push('  </binding>');
  }
  out.push(`  <service name="${naam}">`);
  out.push(`    <port name="${naam}" binding="${p}:SOAP${naam}">`);
  out.push(`      <soap:address location="http://localhost:8080/stuf/zds/${endpoint}"/>`);
  out.push('    </port>');
  out.push(`    <port name="${naam}12" binding="${p}:SOAP12${naam}">`);
  out.push(`      <soap12:address location="http://localhost:8080/stuf/zds/${endpoint}"/>`);
  out.push('    </port>');
  out.push('  </service>');
  out.push('</definitions>');
  return `${out.join('\n')}\n`;
}

/** Our stuf0301_types.wsdl: the StUF messages the ZDS WSDLs answer and fault with. */
export function stufTypesWsdl(): string {
  const berichten = ['Bv01', 'Bv02', 'Bv03', 'Fo01', 'Fo02', 'Fo03'];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!-- knooppunt: the StUF 03.01 messages of the ZDS WSDLs (answers and foutberichten). Written by src/standards/stuf/zds-wsdl.ts. -->',
    `<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:StUF="${STUF_NS.StUF}" xmlns:xs="http://www.w3.org/2001/XMLSchema" name="StUF" targetNamespace="${STUF_NS.StUF}">`,
    '  <types>',
    '    <xs:schema>',
    `      <xs:import namespace="${STUF_NS.StUF}" schemaLocation="${STUF_SCHEMA_FILE}"/>`,
    '    </xs:schema>',
    '  </types>',
    ...berichten.flatMap((b) => [`  <message name="${b}">`, `    <part name="body" element="StUF:${b}Bericht"/>`, '  </message>']),
    '</definitions>',
    '',
  ].join('\n');
}

/** Every file the writer produces, by path under schemas/stuf. */
export function zdsWsdlBestanden(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const vorm of ['zds11', 'zds12'] as const) {
    const { dir, files } = ZDS_WSDL_FILES[vorm];
    out[`${dir}/${STUF_TYPES_WSDL}`] = stufTypesWsdl();
    for (const [endpoint, file] of Object.entries(files)) out[`${dir}/${file}`] = zdsWsdl(vorm, endpoint as ZdsEndpoint);
  }
  return out;
}
