/**
 * Bevragingen with doelbinding: a party asks for data about a citizen for a stated purpose; the
 * purpose decides the route (who may ask, which source, which legal basis, which fields); a
 * question without an allowed purpose, or with an invalid BSN, is refused before any source is
 * asked. The answer holds only what the route's mapping lets through. Request and answer are one
 * exchange in the log: requester, source, purpose, legal basis and the citizen by keyed hash.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { BevragingConfig, BronConfig, GatewayConfig } from '../config/types.js';
import type { Pipeline } from '../core/pipeline.js';
import { subjectHash } from '../log/crypto.js';
import type { KeyRing } from '../log/keys.js';
import type { CompiledMapping } from '../mapping/index.js';
import { MappingRunError } from '../mapping/index.js';
import type { Party } from '../parties/registry.js';
import { matcher, type Matcher } from '../routing/router.js';
import { isValidBsn } from '../standards/common/bsn.js';
import { BevragingCache } from './cache.js';
import { currentTrace, newSpanId, outboundTraceHeaders } from '../chain/trace-context.js';
import { outboundSpan } from '../chain/spans.js';
import { vraagJsonBron } from './json-bron.js';
import { BronFout, type BronAntwoord } from './bron.js';
import type { BevragingFoutcode, BevragingUitkomst } from './types.js';

export interface BevragingVraag {
  party: Party;
  dienst: string;
  bsn: string;
  doel?: string;
  zaakreferentie?: string;
  /** The request as received, kept encrypted with the exchange. */
  raw: Buffer;
  contentType: string;
  /** The person asking, when the asker names one (x-gebruiker toward the source). */
  gebruiker?: string;
  channel: 'rest' | 'suwi';
}

export type SoapBronVrager = (
  bron: { url: string; soapAction: string; timeoutMs: number; tls?: BronConfig['tls'] },
  vraag: { dienst: string; bsn: string; doel: string; grondslag: string; afnemer: string },
  /** Protocol headers toward the source: Haal Centraal (x-doelbinding, ...) and trace context. */
  headers?: Record<string, string>,
) => Promise<BronAntwoord>;

/**
 * The Haal Centraal protocol headers for a question toward a source, from the bevraging's declared
 * purpose: x-doelbinding (the purpose code), x-verwerking (the processing activity), x-origin-oin
 * (the asking organisation's OIN, else knooppunt's own), x-gebruiker (only when the asker named one).
 */
export function haalCentraalHeaders(route: Pick<BevragingConfig, 'id' | 'doel'>, originOin: string | undefined, gebruiker: string | undefined): Record<string, string> {
  const clean = (v: string) => v.replace(/[^\x20-\x7e]/g, '').slice(0, 200);
  return {
    'x-doelbinding': clean(route.doel),
    'x-verwerking': clean(`bevraging.${route.id}`),
    ...(originOin ? { 'x-origin-oin': originOin } : {}),
    ...(gebruiker ? { 'x-gebruiker': clean(gebruiker) } : {}),
  };
}

const OMSCHRIJVING: Record<BevragingFoutcode, string> = {
  'ongeldig-bsn': 'Het burgerservicenummer is ongeldig (elfproef).',
  'doel-ontbreekt': 'De vraag noemt geen doel (doelbinding).',
  'doel-niet-toegestaan': 'Voor dit doel mag deze partij deze gegevens niet opvragen.',
  'bron-time-out': 'De bron antwoordde niet binnen de gestelde tijd.',
  'bron-niet-beschikbaar': 'De bron is niet beschikbaar of gaf een fout.',
  'ongeldig-verzoek': 'Het verzoek is onvolledig of ongeldig.',
};


export class BevragingService {
  private readonly routes: Array<BevragingConfig & { mag: Matcher }>;
  private readonly bronnen: Map<string, BronConfig>;
  private readonly cache = new BevragingCache<{ uitkomst: 'gevonden' | 'niet-gevonden'; gegevens?: Record<string, unknown> }>();

  constructor(
    config: Pick<GatewayConfig, 'bevragingen' | 'bronnen'>,
    private readonly deps: {
      pipeline: Pipeline;
      ring: KeyRing;
      mappings: ReadonlyMap<string, CompiledMapping>;
      logger: Logger;
      soapBron?: SoapBronVrager;
      /** knooppunt's own OIN, for x-origin-oin when the asking party has none. */
      eigenOin?: string;
    },
  ) {
    this.routes = (config.bevragingen ?? []).map((r) => ({ ...r, mag: matcher(r.partijen) }));
    this.bronnen = new Map((config.bronnen ?? []).map((b) => [b.id, b]));
    for (const r of this.routes) {
      if (!deps.mappings.has(r.mapping)) throw new Error(`bevraging '${r.id}' names unknown mapping '${r.mapping}'`);
    }
  }

  /** The route for this party, dienst and doel, or undefined: then the question is refused. */
  route(party: Party, dienst: string, doel: string): BevragingConfig | undefined {
    return this.routes.find((r) => r.dienst === dienst && r.doel === doel && r.mag(party.id));
  }

  async vraag(v: BevragingVraag): Promise<BevragingUitkomst> {
    const started = Date.now();
    const msg = {
      channel: v.channel,
      standard: 'suwi',
      messageType: v.dienst,
      sender: v.party.id,
      // A question has no sender id of its own; every question is a new exchange.
      senderMessageId: `bevraging/${randomUUID()}`,
      contentType: v.contentType,
      raw: v.raw,
      body: null,
      ...(v.zaakreferentie ? { correlationId: v.zaakreferentie.slice(0, 100) } : {}),
    };
    const weiger = async (foutcode: BevragingFoutcode, detail: Record<string, unknown>, subjects: string[] = []): Promise<BevragingUitkomst> => {
      const antwoord = { ok: false as const, foutcode, omschrijving: OMSCHRIJVING[foutcode] };
      const id = await this.deps.pipeline.answerExchange(
        { ...msg, receiver: detail.bronParty as string | undefined },
        { contentType: 'application/json', content: Buffer.from(JSON.stringify(antwoord), 'utf8'), detail: { dienst: v.dienst, foutcode, ...detail, durationMs: Date.now() - started } },
        { subjects, problems: [{ location: foutcode === 'ongeldig-bsn' ? 'bsn' : foutcode.startsWith('doel') ? 'doel' : 'bron', message: OMSCHRIJVING[foutcode], code: foutcode }] },
      );
      return { ...antwoord, id };
    };

    // Refusals before any source is asked: no purpose, a purpose this party may not use, an invalid BSN.
    if (!v.doel) return weiger('doel-ontbreekt', {});
    if (!isValidBsn(v.bsn)) return weiger('ongeldig-bsn', { doel: v.doel });
    const route = this.route(v.party, v.dienst, v.doel);
    if (!route) return weiger('doel-niet-toegestaan', { doel: v.doel }, [v.bsn]);
    const bron = this.bronnen.get(route.bron)!;
    const basis = { doel: route.doel, grondslag: route.grondslag, bevraging: route.id, bron: bron.id, bronParty: bron.party, dataCategories: route.dataCategories };
    // The LDV records of this exchange serve this bevraging's processing activity.
    const trace = currentTrace();
    if (trace) trace.activity = `bevraging.${route.id}`;
    const bronSpanId = newSpanId();
    const protocol = { ...haalCentraalHeaders(route, v.party.oin ?? this.deps.eigenOin, v.gebruiker), ...outboundTraceHeaders(trace ? { ...trace, spanId: bronSpanId } : undefined) };

    const subject = route.cache ? subjectHash(this.deps.ring, v.bsn) : '';
    let antwoord = route.cache ? this.cache.get(route.id, subject) : undefined;
    const cache = antwoord ? 'hit' : 'miss';
    if (!antwoord) {
      let bronAntwoord: BronAntwoord;
      try {
        // The call to the source as a client span (when the SDK exports), with the span id its traceparent carries.
        bronAntwoord = await outboundSpan(
          `bron ${bron.id}`,
          bronSpanId,
          trace,
          { 'knooppunt.bron': bron.id, 'knooppunt.bevraging': route.id },
          () => this.vraagBron(bron, { dienst: v.dienst, bsn: v.bsn, doel: route.doel, grondslag: route.grondslag, afnemer: v.party.id }, protocol),
          () => true,
          (a) => ({ 'knooppunt.gevonden': a.gevonden }),
        );
      } catch (err) {
        if (err instanceof BronFout) return weiger(err.soort === 'time-out' ? 'bron-time-out' : 'bron-niet-beschikbaar', basis, [v.bsn]);
        throw err;
      }
      if (!bronAntwoord.gevonden) {
        antwoord = { uitkomst: 'niet-gevonden' };
      } else {
        try {
          // Data minimisation: the route's mapping decides what leaves knooppunt; nothing else does.
          antwoord = { uitkomst: 'gevonden', gegevens: this.deps.mappings.get(route.mapping)!.run(bronAntwoord.gegevens).output as Record<string, unknown> };
        } catch (err) {
          if (err instanceof MappingRunError) return weiger('bron-niet-beschikbaar', { ...basis, mapping: route.mapping, reden: err.reason }, [v.bsn]);
          throw err;
        }
      }
      if (route.cache) this.cache.set(route.id, subject, antwoord, route.cache.ttlSeconds);
    }
    const uitkomst = { ok: true as const, ...antwoord, doel: route.doel, grondslag: route.grondslag, bron: bron.id };
    const id = await this.deps.pipeline.answerExchange(
      { ...msg, receiver: bron.party },
      {
        contentType: 'application/json',
        content: Buffer.from(JSON.stringify(uitkomst), 'utf8'),
        detail: { dienst: v.dienst, ...basis, uitkomst: antwoord.uitkomst, cache, durationMs: Date.now() - started },
      },
      { subjects: [v.bsn] },
    );
    return { ...uitkomst, id };
  }

  private vraagBron(bron: BronConfig, vraag: { dienst: string; bsn: string; doel: string; grondslag: string; afnemer: string }, protocol: Record<string, string>): Promise<BronAntwoord> {
    const timeoutMs = bron.timeoutMs ?? 5000;
    if (bron.type === 'json') return vraagJsonBron({ url: bron.url, timeoutMs, headers: { ...(bron.headers ?? {}), ...protocol }, ...(bron.tls ? { tls: bron.tls } : {}) }, vraag);
    if (!this.deps.soapBron) throw new BronFout('niet-beschikbaar');
    return this.deps.soapBron({ url: bron.url, soapAction: bron.soapAction ?? '', timeoutMs, ...(bron.tls ? { tls: bron.tls } : {}) }, vraag, { ...(bron.headers ?? {}), ...protocol });
  }
}
