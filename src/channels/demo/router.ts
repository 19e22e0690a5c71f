/**
 * The demo counterparts of the example configuration, so every README walkthrough answers on a
 * fresh machine: a JSON inkomen source (the SUWI bevraging) and a zaaksysteem's ZDS
 * OntvangAsynchroon (the StUF destination). They answer as the real ones do (the source's JSON
 * protocol, docs/suwi/bevraging.md; a Bv03 for a Lk01) from fictitious data in config/demo/.
 * Mounted only outside production: a production gateway never answers for a source.
 */
import { readFileSync } from 'node:fs';
import express, { type Router } from 'express';
import { parseXml, type XmlElement } from '../../xml/parse.js';
import { bouwBv03, soapEnvelope, soapFault } from '../../standards/stuf/berichten.js';
import { leesStuurgegevens } from '../../standards/stuf/stuurgegevens.js';
import { strictPaths } from '../path-policy.js';
import { HttpProblem, problemBody } from '../rest/problem.js';

export interface DemoData {
  personen: Record<string, Record<string, unknown>>;
}

export function loadDemoData(file: string): DemoData {
  const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoData>;
  if (!data.personen || typeof data.personen !== 'object') throw new Error(`${file}: needs "personen" (BSN → gegevens)`);
  return { personen: data.personen };
}

/** The Lk01 inside a SOAP 1.1 or 1.2 Body (its first element child). */
function bodyElement(envelope: XmlElement): XmlElement | undefined {
  const body = envelope.children.find((c) => c.name === 'Body');
  return body?.children[0];
}

export function demoRouter(data: DemoData): Router {
  const r = express.Router({ strict: true });
  // The path policy of every channel (../path-policy.ts): the demo source answers as a JSON API
  // (problem+json), the demo zaaksysteem as SOAP (a Fault).
  r.use(
    strictPaths(
      [
        { path: '/bronnen/inkomen', methods: ['POST'] },
        { path: '/zaaksysteem/OntvangAsynchroon', methods: ['POST'] },
      ],
      (refusal, req, res) => {
        res.status(refusal.status);
        if (req.path.startsWith('/zaaksysteem')) res.type('text/xml; charset=utf-8').send(soapFault('Client', refusal.detail));
        else res.type('application/problem+json').send(JSON.stringify(problemBody(new HttpProblem(refusal.status, refusal.code, refusal.detail), refusal.path)));
      },
      { unknownIsNotFound: true },
    ),
  );
  r.post('/bronnen/inkomen', express.json({ limit: 16 * 1024 }), (req, res) => {
    const bsn = (req.body as { bsn?: unknown } | undefined)?.bsn;
    const persoon = typeof bsn === 'string' ? data.personen[bsn] : undefined;
    if (!persoon) return res.status(404).json({ uitkomst: 'niet-gevonden' });
    res.json({ bsn, ...persoon });
  });
  r.post('/zaaksysteem/OntvangAsynchroon', express.raw({ type: () => true, limit: 1024 * 1024 }), (req, res) => {
    res.type('text/xml; charset=utf-8');
    try {
      const lk01 = bodyElement(parseXml(req.body as Buffer, { maxBytes: 1024 * 1024, maxDepth: 48, maxElements: 50_000 }));
      if (!lk01) throw new Error('no body');
      res.send(soapEnvelope(bouwBv03(leesStuurgegevens(lk01))));
    } catch {
      res.status(500).send(soapFault('Client', 'Geen leesbare kennisgeving'));
    }
  });
  return r;
}
