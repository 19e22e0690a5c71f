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
import { WSDL } from 'soap';

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
