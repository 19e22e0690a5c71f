/**
 * The real ZDS requests of ../shared/stuf-corpus replayed as its README prescribes: per client
 * prefix, in the README's order, against a fresh gateway on the example configuration (the
 * zaaksysteem's destination pointed at a recording fake), with the identity substituted, each
 * message with its own SOAPAction and SOAP version. Twice: the gateway validating requests with
 * knooppunt's own schemas (schemas/stuf, the default), and with the official folder
 * (KNOOPPUNT_STUF_XSD_DIR = ../shared/stuf-official), as an operator may run it.
 *
 * For every message: the answer ZDS prescribes (Du02, Bv02, Bv03, La01) or, where the README says a
 * refusal is right, a Fault carrying a Fo02 (Fo03 on OntvangAsynchroon). Every answer, every
 * foutbericht and every Lk01 delivered to the zaaksysteem validates against the official XSDs.
 * The count of correct answers per client is printed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadStufValidator, type StufValidator } from '../../src/standards/stuf/validator.js';
import { projectRoot } from '../../src/util/paths.js';
import { serializeXml } from '../../src/xml/build.js';
import { parseXml, type XmlElement } from '../../src/xml/parse.js';
import { startGateway, testEnv } from '../helpers/gateway.js';
import { FakeZaaksysteem } from '../helpers/stuf.js';

const SHARED = process.env.KNOOPPUNT_SHARED_DIR ?? resolve(projectRoot(), '..', 'shared');
const CORPUS = join(SHARED, 'stuf-corpus');
const OFFICIAL = join(SHARED, 'stuf-official');
const present = existsSync(join(CORPUS, 'README.md')) && existsSync(OFFICIAL);

interface Regel {
  file: string;
  operation: string;
  soap: '1.1' | '1.2';
  action: string;
  endpoint: 'OntvangAsynchroon' | 'BeantwoordVraag' | 'VerwerkSynchroonVrijBericht';
  /** The answer's root local name, or 'refusal'. */
  verwacht: string;
}

/** The message table of the corpus README, in its order. */
function regels(): Regel[] {
  const text = readFileSync(join(CORPUS, 'README.md'), 'utf8');
  const out: Regel[] = [];
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 11 || !cells[1]!.endsWith('.xml')) continue;
    const [, file, , operation, , soap, action, , expected] = cells as [string, string, string, string, string, string, string, string, string];
    const a = action.replace(/\s*\((recorded|WSDL)\)\s*$/, '');
    const soapAction = a.startsWith('zkn0310/') ? `http://www.egem.nl/StUF/sector/zkn/0310/${a.slice(8)}` : `http://www.stufstandaarden.nl/koppelvlak/zds0120/${a.slice(8)}`;
    const endpoint = /_Di02$/.test(operation) ? 'VerwerkSynchroonVrijBericht' : /Lv01$/.test(operation) ? 'BeantwoordVraag' : 'OntvangAsynchroon';
    const refusal = /not possible|request invalid/.test(expected);
    const first = expected.split(/[\s(—]/)[0]!;
    out.push({ file, operation, soap: soap === '1.2' ? '1.2' : '1.1', action: soapAction, endpoint, verwacht: refusal ? 'refusal' : first });
  }
  return out;
}

/** The README's identity: zender 0153/JeugdBO, ontvanger 0153/knooppunt, in the stuurgegevens only. */
function metIdentiteit(xml: string): string {
  const zet = (blok: string, org: string, app: string) =>
    blok
      .replace(/(<((?:[\w.-]+:)?)organisatie\b[^>]*?)(?:\/>|>[^<]*<\/\2organisatie>)/, `$1>${org}</$2organisatie>`)
      .replace(/(<((?:[\w.-]+:)?)applicatie\b[^>]*?)(?:\/>|>[^<]*<\/\2applicatie>)/, `$1>${app}</$2applicatie>`);
  const sg = /<((?:[\w.-]+:)?)stuurgegevens\b[\s\S]*?<\/\1stuurgegevens>/.exec(xml);
  if (!sg) return xml;
  const nieuw = sg[0]
    .replace(/<((?:[\w.-]+:)?)zender\b[\s\S]*?<\/\1zender>/, (b) => zet(b, '0153', 'JeugdBO'))
    .replace(/<((?:[\w.-]+:)?)ontvanger\b[\s\S]*?<\/\1ontvanger>/, (b) => zet(b, '0153', 'knooppunt'));
  return xml.slice(0, sg.index) + nieuw + xml.slice(sg.index + sg[0].length);
}

function bodyChild(envelope: string): XmlElement | undefined {
  try {
    const root = parseXml(envelope);
    return root.children.find((c) => c.name === 'Body')?.children[0];
  } catch {
    return undefined;
  }
}

/** The foutbericht in a Fault's detail (SOAP 1.1 `detail`, SOAP 1.2 `Detail`). */
function foutbericht(fault: XmlElement): XmlElement | undefined {
  return fault.children.find((c) => c.name === 'detail' || c.name === 'Detail')?.children[0];
}

function klopt(r: Regel, status: number, body: XmlElement | undefined): boolean {
  if (!body) return false;
  if (r.verwacht === 'refusal') {
    const fo = body.name === 'Fault' ? foutbericht(body) : undefined;
    return fo?.name === (r.endpoint === 'OntvangAsynchroon' ? 'Fo03Bericht' : 'Fo02Bericht');
  }
  if (status !== 200) return false;
  if (r.verwacht === 'Bv03' || r.verwacht === 'Bv02') return body.name === `${r.verwacht}Bericht`;
  if (r.verwacht === 'La01') return body.name.endsWith('La01');
  // The README names the Du02 after the operation; ZDS 1.2 spells its root geefZaakdocumentBewerken_Du02.
  return body.name.toLowerCase() === r.verwacht.toLowerCase();
}

const PREFIXEN = ['stp', 'haarlem', 'openforms'] as const;

if (!present && process.env.CI) {
  it('StUF corpus replay needs ../shared/stuf-corpus and ../shared/stuf-official', () => {
    throw new Error(`${CORPUS} or ${OFFICIAL} is missing (set KNOOPPUNT_SHARED_DIR)`);
  });
} else if (!present) {
  console.warn(`SKIPPED: StUF corpus replay: ${CORPUS} or ${OFFICIAL} is missing (set KNOOPPUNT_SHARED_DIR)`);
  it.skip('StUF corpus replay (../shared/stuf-corpus missing)', () => undefined);
} else {
  // Compiled once per process and shared with the gateways that run on the official folder.
  let official: StufValidator;
  beforeAll(async () => {
    official = await loadStufValidator({ officialDir: OFFICIAL });
  }, 120_000);

  const RUNS = PREFIXEN.flatMap((prefix) => (['knooppunt', 'officieel'] as const).map((schemas) => [prefix, schemas] as const));
  describe.each(RUNS)('StUF corpus replay: %s, requests validated with the %s schemas', (prefix, schemas) => {
    const zaaksysteem = new FakeZaaksysteem();
    let close: () => Promise<void> = async () => undefined;
    let baseUrl = '';

    beforeAll(async () => {
      const url = await zaaksysteem.start();
      const config = parse(readFileSync(join(projectRoot(), 'config', 'knooppunt.yaml'), 'utf8')) as { destinations: Array<{ id: string; url?: string; timeoutMs?: number }> };
      for (const d of config.destinations) if (d.id === 'zds-enschede') Object.assign(d, { url, timeoutMs: 3000 });
      // A copy of the whole config folder: the example configuration names files next to it.
      const dir = mkdtempSync(join(tmpdir(), 'knooppunt-corpus-'));
      cpSync(join(projectRoot(), 'config'), dir, { recursive: true });
      writeFileSync(join(dir, 'knooppunt.yaml'), stringify(config));
      const started = await startGateway(await testEnv('pglite', 'in-process', join(dir, 'knooppunt.yaml'), schemas === 'officieel' ? { KNOOPPUNT_STUF_XSD_DIR: OFFICIAL } : {}));
      baseUrl = started.baseUrl;
      close = () => started.gateway.close();
    }, 120_000);
    afterAll(async () => {
      await close();
      await zaaksysteem.stop();
    });

    it('gives every message the answer ZDS prescribes, valid against the official schemas', async () => {
      const lijst = regels().filter((r) => r.file.startsWith(`${prefix}-`));
      expect(lijst.length).toBeGreaterThan(0);
      let goed = 0;
      const fout: string[] = [];
      const ongeldig: string[] = [];
      let bv03 = 0;
      for (const r of lijst) {
        const xml = metIdentiteit(readFileSync(join(CORPUS, r.file), 'utf8'));
        const headers: Record<string, string> =
          r.soap === '1.2'
            ? { 'content-type': `application/soap+xml; charset=utf-8; action="${r.action}"` }
            : { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${r.action}"` };
        const res = await fetch(`${baseUrl}/stuf/zds/${r.endpoint}`, { method: 'POST', headers: { ...headers, authorization: 'Bearer demo-jeugd-bo-enschede' }, body: xml });
        const text = await res.text();
        const body = bodyChild(text);
        if (klopt(r, res.status, body)) goed++;
        else fout.push(`${r.file}: expected ${r.verwacht}, got ${res.status} ${body?.name ?? '?'} ${body?.name === 'Fault' ? (text.match(/<(?:\w+:)?(?:faultstring|Text)[^>]*>([^<]*)/)?.[1] ?? '') + ' ' + (text.match(/<StUF:details>([^<]{0,160})/)?.[1] ?? text.match(/<StUF:code>([^<]*)/)?.[1] ?? '') : ''}`);
        // The zaak and document kennisgevingen are routed on (stuf-xml); besluiten stay in knooppunt's register.
        if (body?.name === 'Bv03Bericht' && /^(creeerZaak|updateZaak|actualiseerZaakstatus|voegZaakdocumentToe|maakZaakdocument)_/.test(r.operation)) bv03++;
        // Every answer validates: the answer itself, or the foutbericht in a Fault.
        const answer = body?.name === 'Fault' ? foutbericht(body) : body;
        const issues = answer ? official.validate(serializeXml(answer, { declaration: true })) : [{ message: 'no answer' }];
        if (issues.length > 0) ongeldig.push(`${r.file}: ${answer?.name ?? '?'}: ${issues.slice(0, 2).map((i) => `${i.element ?? ''} ${i.message}`).join('; ')}`);
      }
      // The Lk01s the zaaksysteem receives (stuf-xml route), once delivery has caught up.
      for (let i = 0; i < 200 && zaaksysteem.calls.length < bv03; i++) await new Promise((r) => setTimeout(r, 100));
      const lk01Ongeldig = zaaksysteem.calls
        .map((c) => ({ c, body: bodyChild(c.body) }))
        .filter(({ body }) => !body || official.validate(serializeXml(body, { declaration: true })).length > 0)
        .map(({ body }) => body?.name ?? '?');
      console.log(
        `stuf-corpus ${prefix} (${schemas} schemas): ${goed}/${lijst.length} correct answers; ${lijst.length - ongeldig.length}/${lijst.length} answers valid; ` +
          `${zaaksysteem.calls.length - lk01Ongeldig.length}/${zaaksysteem.calls.length} delivered Lk01 valid` +
          (fout.length ? `\n  wrong:\n  ${fout.join('\n  ')}` : '') +
          (ongeldig.length ? `\n  invalid answers:\n  ${ongeldig.join('\n  ')}` : ''),
      );
      expect(lk01Ongeldig).toEqual([]);
      // Passed on in the form it came, with that form's SOAPAction, addressed to the zaaksysteem itself (not to knooppunt).
      for (const c of zaaksysteem.calls) {
        const body = bodyChild(c.body)!;
        expect(c.soapAction.startsWith(body.ns === 'http://www.stufstandaarden.nl/koppelvlak/zds0120' ? 'http://www.stufstandaarden.nl/koppelvlak/zds0120/' : 'http://www.egem.nl/StUF/sector/zkn/0310/')).toBe(true);
        const ontvanger = body.children.find((x) => x.name === 'stuurgegevens')?.children.find((x) => x.name === 'ontvanger');
        expect(ontvanger?.children.find((x) => x.name === 'applicatie')?.text).toBe('ZSH');
      }
      expect(zaaksysteem.calls.length).toBe(bv03);
      expect(ongeldig).toEqual([]);
      expect(fout).toEqual([]);
      expect(goed).toBe(lijst.length);
    }, 600_000);
  });
}
