/**
 * What an endpoint's WSDL promises, read with node-soap: for each SOAPAction the endpoint accepts,
 * the operation and the element its request Body must carry.
 *
 * node-soap loads the WSDL and its whole import closure here, so a WSDL that node-soap (and thus
 * a typical client) cannot read fails at start-up rather than at the first call. The caller's
 * SOAPAction → operation table is checked against the WSDL's bindings: an operation that is not
 * there, or a SOAPAction that differs from the binding's, is a configuration error.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { WSDL } from 'soap';
import { parseXml, type XmlElement } from '../../xml/parse.js';

export interface SoapOperationContract {
  operation: string;
  soapAction: string;
  /** The request's Body child, from the input message's part element. */
  element: { ns: string; name: string };
}

interface OperationInfo {
  soapAction?: string;
  style?: string;
  input?: { $name?: string; targetNamespace?: string };
}

interface BindingInfo {
  style?: string;
  methods?: Record<string, OperationInfo>;
}

export async function loadSoapContract(wsdlPath: string, operations: Record<string, string>): Promise<Map<string, SoapOperationContract>> {
  const wsdl = new WSDL(readFileSync(wsdlPath, 'utf8'), wsdlPath, {
    wsdl_options: {
      // Start-up must not depend on the network: every schema ships with knooppunt.
      overrideImportLocation: (location: string): string => {
        if (/^https?:/i.test(location)) throw new Error(`${wsdlPath} imports ${location}: remote schemas are not loaded; ship a local copy`);
        return location;
      },
    },
  });
  await new Promise<void>((resolveReady, reject) => wsdl.onReady((err) => (err ? reject(err) : resolveReady())));

  const bindings = Object.values(wsdl.definitions.bindings ?? {}) as unknown as BindingInfo[];
  const contract = new Map<string, SoapOperationContract>();
  for (const [soapAction, operation] of Object.entries(operations)) {
    const found = bindings.map((b) => ({ binding: b, op: b.methods?.[operation] })).find((x) => x.op !== undefined);
    if (!found?.op) throw new Error(`${wsdlPath} has no operation ${operation}`);
    const { binding, op } = found;
    if ((op.style ?? binding.style ?? 'document') !== 'document') throw new Error(`${wsdlPath}: operation ${operation} is not document/literal`);
    if (op.soapAction && op.soapAction !== soapAction) {
      throw new Error(`${wsdlPath}: operation ${operation} has SOAPAction ${op.soapAction}, not ${soapAction}`);
    }
    const name = op.input?.$name;
    const ns = op.input?.targetNamespace;
    if (!name || ns === undefined) throw new Error(`${wsdlPath}: operation ${operation} has no input element`);
    contract.set(soapAction, { operation, soapAction, element: { ns, name } });
  }
  return contract;
}

/**
 * The same contract as loadSoapContract, read with knooppunt's own parser and without loading the
 * schemas: for WSDLs whose message schemas are large (the complete StUF set takes node-soap
 * seconds per WSDL, at every start). It checks every binding (SOAP 1.1 and 1.2): each operation of
 * the table is bound, document/literal, with the table's SOAPAction, and its input message names
 * an element. That node-soap reads these WSDLs, schemas included, is proved by the tests that
 * build clients from them.
 */
export function readSoapContract(wsdlPath: string, operations: Record<string, string>): Map<string, SoapOperationContract> {
  const text = readFileSync(wsdlPath, 'utf8');
  const root = parseXml(text);
  // Namespace declarations are not kept by the parser; the root's are enough for QNames in our WSDLs.
  const start = /<(?:[\w.-]+:)?definitions\b[^>]*>/.exec(text)?.[0] ?? '';
  const prefixes = new Map([...start.matchAll(/\sxmlns:([\w.-]+)\s*=\s*"([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  const qname = (q: string): { ns: string; name: string } => {
    const i = q.indexOf(':');
    const ns = i < 0 ? (root.attrs.targetNamespace ?? '') : prefixes.get(q.slice(0, i));
    if (ns === undefined) throw new Error(`${wsdlPath}: prefix of ${q} is not declared on definitions`);
    return { ns, name: i < 0 ? q : q.slice(i + 1) };
  };
  const kids = (el: XmlElement, name: string): XmlElement[] => el.children.filter((c) => c.ns === WSDL_NS && c.name === name);
  // Messages by {namespace}name: this WSDL's own, and those of the WSDLs it imports (the StUF
  // Bv03/Fo03 messages of stuf0301_types.wsdl, the input of the StUF berichten a zaaksysteem sends).
  const messages = new Map<string, string | undefined>(kids(root, 'message').map((m) => [`{${root.attrs.targetNamespace ?? ''}}${m.attrs.name ?? ''}`, kids(m, 'part')[0]?.attrs.element]));
  for (const imp of kids(root, 'import')) {
    if (!imp.attrs.location || /^[a-z]+:/i.test(imp.attrs.location)) continue;
    const file = resolve(dirname(wsdlPath), imp.attrs.location);
    const imported = parseXml(readFileSync(file, 'utf8'));
    for (const m of kids(imported, 'message')) {
      // The imported WSDL's element QNames use its own prefixes; ours declares the same ones on definitions (StUF).
      messages.set(`{${imported.attrs.targetNamespace ?? ''}}${m.attrs.name ?? ''}`, kids(m, 'part')[0]?.attrs.element);
    }
  }
  const portTypes = new Map(kids(root, 'portType').map((p) => [p.attrs.name ?? '', p]));
  const bindings = kids(root, 'binding');
  if (bindings.length === 0) throw new Error(`${wsdlPath} has no binding`);
  const contract = new Map<string, SoapOperationContract>();
  for (const binding of bindings) {
    const soapBinding = binding.children.find((c) => c.name === 'binding' && SOAP_BINDING_NS.has(c.ns));
    if (!soapBinding) throw new Error(`${wsdlPath}: binding ${binding.attrs.name} is not a SOAP binding`);
    const portType = portTypes.get(qname(binding.attrs.type ?? '').name);
    if (!portType) throw new Error(`${wsdlPath}: binding ${binding.attrs.name} names no portType of this WSDL`);
    for (const [soapAction, operation] of Object.entries(operations)) {
      const op = kids(binding, 'operation').find((o) => o.attrs.name === operation);
      if (!op) throw new Error(`${wsdlPath}: binding ${binding.attrs.name} has no operation ${operation}`);
      const soapOp = op.children.find((c) => c.name === 'operation' && SOAP_BINDING_NS.has(c.ns));
      if ((soapOp?.attrs.style ?? soapBinding.attrs.style ?? 'document') !== 'document') throw new Error(`${wsdlPath}: operation ${operation} is not document/literal`);
      if (soapOp?.attrs.soapAction !== soapAction) throw new Error(`${wsdlPath}: operation ${operation} has SOAPAction ${soapOp?.attrs.soapAction}, not ${soapAction}`);
      const input = kids(kids(portType, 'operation').find((o) => o.attrs.name === operation) ?? root, 'input')[0];
      const message = qname(input?.attrs.message ?? '');
      const element = messages.get(`{${message.ns}}${message.name}`);
      if (!element) throw new Error(`${wsdlPath}: operation ${operation} has no input element`);
      contract.set(soapAction, { operation, soapAction, element: qname(element) });
    }
  }
  return contract;
}

const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
const SOAP_BINDING_NS = new Set(['http://schemas.xmlsoap.org/wsdl/soap/', 'http://schemas.xmlsoap.org/wsdl/soap12/']);
