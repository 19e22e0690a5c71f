/**
 * XML on the event loop (part of `npm run bench`, BENCH_ONLY=xml): one large bericht (BENCH_XML_ELEMENTS
 * leaf elements under one namespace, default 120,000, about 5 MB) through knooppunt's parser and
 * serialiser, beside xmlbuilder2's serialisation of the same tree (what knooppunt used before) and
 * bare libxml2 parsing of the same bytes (the ceiling). Median of five runs each.
 */
import { XmlDocument } from 'libxml2-wasm';
import { serializeXml, serializeXmlWithXmlbuilder2 } from '../src/xml/build.js';
import { parseXml } from '../src/xml/parse.js';

const ELEMENTS = Number(process.env.BENCH_XML_ELEMENTS ?? 120_000);

function median(run: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[2]!;
}

export function benchXml(): Array<Record<string, string | number>> {
  const leaves = Array.from({ length: ELEMENTS }, (_, i) => `<b:regel nr="${i}">waarde ${i} &amp; meer</b:regel>`).join('');
  const raw = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><b:Bericht xmlns:b="urn:knooppunt:bench">${leaves}</b:Bericht>`, 'utf8');
  const limits = { maxBytes: raw.byteLength + 1, maxElements: ELEMENTS + 10 };
  const tree = parseXml(raw, limits);
  const bare = median(() => XmlDocument.fromBuffer(raw).dispose());
  const rows: Array<[string, number]> = [
    ['libxml2 parse (ceiling)', bare],
    ['knooppunt parseXml', median(() => parseXml(raw, limits))],
    ['knooppunt serializeXml', median(() => serializeXml(tree))],
    ['xmlbuilder2 serialisation (before)', median(() => serializeXmlWithXmlbuilder2(tree))],
  ];
  return rows.map(([what, ms]) => ({ what, document: `${ELEMENTS} elements, ${(raw.byteLength / 1048576).toFixed(1)} MiB`, ms: Math.round(ms), 'vs libxml2 parse': `${(ms / bare).toFixed(1)}×` }));
}
