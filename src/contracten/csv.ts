/**
 * CSV as a regional Zorgportaal or a spreadsheet exports it: a header row with column names,
 * `;` or `,` as separator (whichever the header uses), quoted fields, a UTF-8 BOM tolerated.
 * Every record keeps its line number, so errors can name the line a person sees in their editor.
 */
import { parse } from 'csv-parse/sync';

export interface CsvRij {
  regel: number;
  velden: Record<string, string>;
}

export interface FoutRegel {
  /** Line in the file (CSV) or 0 for the file as a whole; JSON errors carry their JSON pointer in `veld`. */
  regel: number;
  veld: string;
  melding: string;
}

/** At most this many errors are listed: a file with more is refused with the first ones and a count. */
export const MAX_FOUTEN = 500;

export function leesCsv(tekst: string, verplicht: readonly string[], fouten: FoutRegel[]): CsvRij[] {
  const schoon = tekst.replace(/^\uFEFF/, '');
  const eersteRegel = schoon.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (eersteRegel.match(/;/g) ?? []).length >= (eersteRegel.match(/,/g) ?? []).length ? ';' : ',';
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(schoon, { delimiter, info: true, relax_column_count: true, skip_empty_lines: true, trim: true, bom: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (err) {
    const e = err as { lines?: number; code?: string };
    fouten.push({ regel: e.lines ?? 0, veld: '', melding: `het bestand is geen leesbare CSV (${e.code ?? 'parse error'})` });
    return [];
  }
  const [kop, ...rest] = records;
  if (!kop) {
    fouten.push({ regel: 0, veld: '', melding: 'het bestand is leeg' });
    return [];
  }
  const kolommen = kop.record.map((k) => k.toLowerCase());
  for (const v of verplicht) if (!kolommen.includes(v)) fouten.push({ regel: kop.info.lines, veld: v, melding: 'kolom ontbreekt in de kopregel' });
  return rest.map(({ record, info }) => {
    if (record.length > kolommen.length) fouten.push({ regel: info.lines, veld: '', melding: `meer velden (${record.length}) dan kolommen (${kolommen.length})` });
    const velden: Record<string, string> = {};
    kolommen.forEach((k, i) => (velden[k] = record[i] ?? ''));
    return { regel: info.lines, velden };
  });
}

/**
 * An amount in euros as a person writes it ("78,50", "78.50", "1250") → whole cents, exactly
 * (no floating point). Thousands separators are not accepted: "1.250,00" is ambiguous in a CSV.
 */
export function euroNaarCenten(tekst: string): number | undefined {
  const m = /^(-?)(\d{1,13})(?:[.,](\d{1,2}))?$/.exec(tekst.trim());
  if (!m) return undefined;
  const centen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0') || '0');
  return m[1] === '-' ? -centen : centen;
}

/** Cents → "1234.56" (for exports: a dot, two decimals, exact). */
export function centenNaarEuro(centen: number): string {
  const teken = centen < 0 ? '-' : '';
  const a = Math.abs(centen);
  return `${teken}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** One CSV field, quoted when it holds a separator, a quote or a line break; a leading = + - @ is neutralised against formula injection. */
export function csvVeld(v: string | number): string {
  let s = String(v);
  if (typeof v === 'string' && /^([=+@\t\r]|-(?![\d.]))/.test(s)) s = `'${s}`;
  return /[;",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRegel(velden: Array<string | number>): string {
  return velden.map(csvVeld).join(';') + '\r\n';
}
