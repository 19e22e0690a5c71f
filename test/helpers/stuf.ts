/** Helpers for the StUF channel tests: fixtures with fresh stuurgegevens, a fake zaaksysteem. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/util/paths.js';
import type { PartyConfig, RouteConfig, StufDestinationConfig } from '../../src/config/types.js';
import { hashApiKey } from '../../src/parties/api-keys.js';

export function stufFixture(...path: string[]): string {
  return readFileSync(join(projectRoot(), 'fixtures', 'stuf', ...path), 'utf8');
}

let volgnummer = 0;

/** Gives a message the stuurgegevens of this test: zender, ontvanger and a fresh referentienummer. */
export function stuurgegevens(xml: string, opts: { zender: [string, string]; ontvanger: [string, string]; referentie?: string }): string {
  const systeem = (rol: string, [org, app]: [string, string]) =>
    `<StUF:${rol}><StUF:organisatie>${org}</StUF:organisatie><StUF:applicatie>${app}</StUF:applicatie></StUF:${rol}>`;
  const referentie = opts.referentie ?? `T${Date.now()}-${++volgnummer}`;
  return xml
    .replace(/<StUF:zender>[\s\S]*?<\/StUF:zender>/, systeem('zender', opts.zender))
    .replace(/<StUF:ontvanger>[\s\S]*?<\/StUF:ontvanger>/, systeem('ontvanger', opts.ontvanger))
    .replace(/<StUF:referentienummer>[^<]*<\/StUF:referentienummer>/, `<StUF:referentienummer>${referentie}</StUF:referentienummer>`);
}

/** Replaces the text of the first element with this qualified name. */
export function zetEerste(xml: string, qname: string, value: string): string {
  return xml.replace(new RegExp(`(<${qname}>)[^<]*(</${qname}>)`), `$1${value}$2`);
}

export function soapEnvelopeOf(bodyXml: string): string {
  return `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${bodyXml.replace(/^<\?xml[^>]*>\s*/, '').replace(/<!--[\s\S]*?-->\s*/g, '')}</soapenv:Body></soapenv:Envelope>`;
}

export interface ZaaksysteemCall {
  soapAction: string;
  body: string;
}

/** A StUF zaaksysteem on loopback that records what it receives and answers Bv03, or what `respond` says. */
export class FakeZaaksysteem {
  readonly calls: ZaaksysteemCall[] = [];
  respond: (n: number, call: ZaaksysteemCall) => { status: number; body: string } = () => ({ status: 200, body: BV03 });
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const call = { soapAction: String(req.headers.soapaction ?? '').replace(/^"|"$/g, ''), body: Buffer.concat(chunks).toString('utf8') };
        this.calls.push(call);
        const answer = this.respond(this.calls.length, call);
        res.writeHead(answer.status, { 'content-type': 'text/xml; charset=utf-8' }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/zds/OntvangAsynchroon`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

const SG = '<StUF:stuurgegevens><StUF:berichtcode>Bv03</StUF:berichtcode><StUF:zender><StUF:organisatie>0153</StUF:organisatie><StUF:applicatie>ZSH</StUF:applicatie></StUF:zender><StUF:ontvanger><StUF:organisatie>0153</StUF:organisatie><StUF:applicatie>knooppunt</StUF:applicatie></StUF:ontvanger><StUF:referentienummer>ZSH-1</StUF:referentienummer><StUF:tijdstipBericht>20261123120000000</StUF:tijdstipBericht></StUF:stuurgegevens>';
export const BV03 = soapEnvelopeOf(`<StUF:Bv03Bericht xmlns:StUF="http://www.egem.nl/StUF/StUF0301">${SG}</StUF:Bv03Bericht>`);
export const FO02_SERVER = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>Proces voor afhandelen bericht geeft fout</faultstring><detail><StUF:Fo02Bericht xmlns:StUF="http://www.egem.nl/StUF/StUF0301"><StUF:stuurgegevens><StUF:berichtcode>Fo02</StUF:berichtcode></StUF:stuurgegevens><StUF:body><StUF:code>StUF058</StUF:code><StUF:plek>server</StUF:plek><StUF:omschrijving>Proces voor afhandelen bericht geeft fout</StUF:omschrijving></StUF:body></StUF:Fo02Bericht></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;

/** One API key (as the config stores it: hashed) for a test party. */
export const apiKey = (key: string): PartyConfig['credentials'] => ({ apiKeys: [{ id: 'k1', sha256: hashApiKey(key) }] });

/** The keys of the three Enschede parties of the StUF routing tests; each test file uses its own. */
export interface EnschedeStufKeys { jeugdBo: string; zaaksysteem: string; zakenBo: string }

/**
 * The three parties the StUF routing tests share: a back office sending StUF Lk01s (`jeugd-bo-0153`),
 * the zaaksysteem they reach (`zaaksysteem-0153`) and a JSON back office sending zaak-kennisgevingen
 * (`zaken-bo-0153`).
 */
export function enschedeStufPartijen(keys: EnschedeStufKeys, lk01Ops: string[]): PartyConfig[] {
  return [
    { id: 'jeugd-bo-0153', kind: 'backoffice', name: 'Jeugd back office Enschede', credentials: apiKey(keys.jeugdBo), stuf: { organisatie: '0153', applicatie: 'JeugdBO' }, maySend: lk01Ops },
    { id: 'zaaksysteem-0153', kind: 'backoffice', name: 'Zaaksysteem Enschede', credentials: apiKey(keys.zaaksysteem), stuf: { organisatie: '0153', applicatie: 'ZSH' } },
    { id: 'zaken-bo-0153', kind: 'backoffice', name: 'Zaken back office (JSON)', credentials: apiKey(keys.zakenBo), stuf: { organisatie: '0153', applicatie: 'ZakenBO' }, maySend: ['zaak-kennisgeving'] },
  ] as PartyConfig[];
}

/** A StUF destination (the fake zaaksysteem at `url`) for one party. */
export function zdsBestemming(url: string, id = 'zds-0153', party = 'zaaksysteem-0153'): StufDestinationConfig {
  return { id, type: 'stuf', url, party, timeoutMs: 2000 } as StufDestinationConfig;
}

/** The routes between the {@link enschedeStufPartijen}: Lk01s to the JSON back office and the zaaksysteem, JSON kennisgevingen to the zaaksysteem. */
export function enschedeStufRoutes(delivery: RouteConfig['delivery']): RouteConfig[] {
  return [
    { id: 'stuf-naar-json-bo', match: { standard: 'stuf-zkn', messageType: '*Lk01', sender: 'jeugd-bo-0153' }, mapping: 'stuf-naar-json', destinations: ['mailbox-zaken-bo-0153'], delivery },
    { id: 'stuf-naar-zaaksysteem', match: { standard: 'stuf-zkn', messageType: '*Lk01', sender: 'jeugd-bo-0153' }, mapping: 'stuf-xml', destinations: ['zds-0153'], delivery },
    { id: 'json-naar-zaaksysteem', match: { standard: 'stuf-zkn', messageType: 'zaak-kennisgeving', sender: 'zaken-bo-0153' }, mapping: 'stuf-uit-json', destinations: ['zds-0153'], delivery },
  ] as RouteConfig[];
}
