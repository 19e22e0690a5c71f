/** A SUWI-style JSON source on loopback that counts its calls: found, not found, slow, broken. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gegevensNaarXml, SUWI_BRON_NS } from '../../src/standards/suwi/xml.js';
import { serializeXml } from '../../src/xml/build.js';

export const BRON_BSN = { gevonden: '999993653', nietGevonden: '999990627', traag: '999991917', kapot: '999996368' } as const;

/** What the source knows about the found citizen: more than any purpose may see. */
export const INKOMEN = {
  bsn: BRON_BSN.gevonden,
  naam: { voornamen: 'Anna', achternaam: 'de Vries' },
  adres: { straat: 'Langestraat', huisnummer: 12, postcode: '7511HB', woonplaats: 'Enschede' },
  inkomstenverhoudingen: [
    {
      werkgever: 'Zorggroep Twente BV',
      loonheffingennummer: '812345678L01',
      begindatum: '2025-03-01',
      perioden: [
        { maand: '2026-09', brutoloon: 245000, uren: 120, ziekteverzuimDagen: 3 },
        { maand: '2026-10', brutoloon: 251500, uren: 124, ziekteverzuimDagen: 0 },
      ],
    },
  ],
};

/** A request listener that reads the whole request body (UTF-8), then hands it to `antwoord`. */
function naHetLezen(antwoord: (body: string, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => antwoord(Buffer.concat(chunks).toString('utf8'), res));
  };
}

export class FakeBron {
  calls = 0;
  /** Resolves when a slow answer has actually been sent (so a test can tell the fault came first). */
  slowAnswered = false;
  private server?: Server;
  constructor(private readonly slowMs = 3000) {}

  async start(): Promise<string> {
    this.server = createServer(
      naHetLezen((body, res) => {
        this.calls++;
        const vraag = JSON.parse(body) as { bsn: string };
        if (vraag.bsn === BRON_BSN.nietGevonden) return void res.writeHead(404).end();
        if (vraag.bsn === BRON_BSN.kapot) return void res.writeHead(500).end('oeps');
        if (vraag.bsn === BRON_BSN.traag) {
          setTimeout(() => {
            this.slowAnswered = true;
            if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(INKOMEN));
          }, this.slowMs);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...INKOMEN, bsn: vraag.bsn }));
      }),
    );
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/inkomen`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** What the SOAP source (SVB style) knows about the found citizen. */
export const UITKERINGEN = {
  uitkeringen: [{ soort: 'AOW', bedragBrutoCent: 134050, ingangsdatum: '2019-05-01', rekeningnummer: 'NL91ABNA0417164300', bsnPartner: '999990627' }],
};

/** A SOAP source answering BronAntwoord (schemas/suwi/bron.xsd), counting its calls. */
export class FakeSoapBron {
  calls = 0;
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer(
      naHetLezen((vraag, res) => {
        this.calls++;
        const gevonden = vraag.includes(BRON_BSN.gevonden);
        const inner = gevonden
          ? { ns: SUWI_BRON_NS, name: 'Gegevens', prefix: 'b', attrs: {}, children: gegevensNaarXml(UITKERINGEN, SUWI_BRON_NS, 'b') }
          : { ns: SUWI_BRON_NS, name: 'NietGevonden', prefix: 'b', attrs: {}, children: [], text: '' };
        const body = serializeXml({ ns: SUWI_BRON_NS, name: 'BronAntwoord', prefix: 'b', attrs: {}, children: [inner] }, { declaration: false, namespaces: { b: SUWI_BRON_NS } });
        res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' })
          .end(`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`);
      }),
    );
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/soap`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
