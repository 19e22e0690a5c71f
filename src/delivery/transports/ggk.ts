/**
 * Delivers an iWmo/iJw bericht toward a provider through the GGk: the stored bericht (XML) goes out
 * wrapped in a ggk0210 Di01 (or, for a retourbericht, a Du01), SOAP 1.1 with the GGk's SOAPAction.
 * The referentienummer is the delivery's id (a UUID v4), so a retry sends the same envelope identity.
 * A Bv03 (or Du01) answer is delivery; a Fo01 with plek client will not get better by retrying.
 * Every envelope is checked against knooppunt's GGk XSD before it leaves.
 */
import { join } from 'node:path';
import type { GgkDestinationConfig } from '../../config/types.js';
import { callSoap } from '../../channels/stuf/soap-client.js';
import { BERICHTSOORTEN, berichtType, parseBerichtNamespace, type BerichtNummer } from '../../standards/istandaarden/catalog.js';
import { readHeader } from '../../standards/istandaarden/header.js';
import { buildEnvelop, DU01, GGK_NS, SOAP_ACTION_DI01, SOAP_ACTION_DU01, STUF_NS } from '../../standards/ggk/envelop.js';
import { GgkSchemas } from '../../standards/ggk/schema.js';
import { projectRoot } from '../../util/paths.js';
import { parseXml } from '../../xml/parse.js';
import type { TransportOutcome } from './webhook.js';
import { clientTlsDispatcher } from './client-tls.js';

let schemas: GgkSchemas | undefined;
const ggkSchemas = (): GgkSchemas => (schemas ??= GgkSchemas.load(join(projectRoot(), 'schemas', 'ggk')));

export function wrapForGgk(bericht: Buffer, opts: { referentienummer: string; applicatie: string; ontvangerApplicatie?: string }): { xml: string; soapAction: string } {
  const root = parseXml(bericht, { maxBytes: 25 * 1024 * 1024, maxDepth: 64, maxElements: 2_000_000 });
  const ns = parseBerichtNamespace(root.ns);
  const soort = ns ? BERICHTSOORTEN.get(ns.nummer as BerichtNummer) : undefined;
  if (!ns || !soort) throw new Error('payload is not an iJw/iWmo bericht');
  const header = readHeader(root);
  const isRetour = soort.heen !== undefined;
  const xml = buildEnvelop({
    soort: isRetour ? 'Du01' : 'Di01',
    zender: { organisatie: header.afzender, applicatie: opts.applicatie },
    ontvanger: { organisatie: header.ontvanger, applicatie: opts.ontvangerApplicatie ?? 'GGk' },
    referentienummer: opts.referentienummer,
    functie: berichtType(ns.standaard, soort.nummer),
    bericht,
  });
  return { xml, soapAction: isRetour ? SOAP_ACTION_DU01 : SOAP_ACTION_DI01 };
}

export async function sendGgk(
  dest: GgkDestinationConfig,
  req: { body: Buffer; deliveryId: string; headers?: Record<string, string> },
  eigenApplicatie: string,
): Promise<TransportOutcome> {
  let wrapped: { xml: string; soapAction: string };
  try {
    wrapped = wrapForGgk(req.body, { referentienummer: req.deliveryId, applicatie: eigenApplicatie, ...(dest.ontvangerApplicatie ? { ontvangerApplicatie: dest.ontvangerApplicatie } : {}) });
  } catch (err) {
    return { ok: false, permanent: true, error: (err as Error).message };
  }
  if (ggkSchemas().validateEnvelop(wrapped.xml).length > 0) return { ok: false, permanent: true, error: 'envelope does not validate against the GGk XSD' };
  try {
    const res = await callSoap(dest.url, wrapped.soapAction, wrapped.xml, {
      timeoutMs: dest.timeoutMs ?? 30000,
      headers: { ...(dest.headers ?? {}), ...(req.headers ?? {}) },
      ...(dest.tls ? { dispatcher: clientTlsDispatcher(dest.tls)! } : {}),
    });
    if (res.fault) {
      const fo01 = res.fault.detail?.name === 'Fo01Bericht' && res.fault.detail.ns === STUF_NS ? res.fault.detail : undefined;
      const body = fo01?.children.find((c) => c.name === 'body');
      const code = body?.children.find((c) => c.name === 'code')?.text?.trim();
      const plek = body?.children.find((c) => c.name === 'plek')?.text?.trim();
      return { ok: false, permanent: plek ? plek === 'client' : /client/i.test(res.fault.code), statusCode: res.status, error: `Fo01 ${code ?? res.fault.code}` };
    }
    const answered = res.body && ((res.body.ns === STUF_NS && res.body.name === 'Bv03Bericht') || (res.body.ns === GGK_NS && res.body.name === DU01));
    if (res.status >= 200 && res.status < 300 && answered) return { ok: true, permanent: false, statusCode: res.status };
    if (res.status >= 200 && res.status < 300) return { ok: false, permanent: true, statusCode: res.status, error: 'answer is not a Bv03 or Du01' };
    return { ok: false, permanent: res.status >= 400 && res.status < 500 && ![408, 425, 429].includes(res.status), statusCode: res.status, error: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { ok: false, permanent: false, error: e.name === 'TimeoutError' ? 'timeout' : (e.cause?.code ?? e.name ?? 'network error') };
  }
}
