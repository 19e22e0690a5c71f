/**
 * Helpers for the StUF unit tests (test/unit/stuf): the XSD fixtures, the stuurgegevens of the
 * creeerZaak kennisgeving among them, and an express app served on loopback.
 */
import type { Express } from 'express';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Stuurgegevens } from '../../src/standards/stuf/stuurgegevens.js';
import { projectRoot } from '../../src/util/paths.js';

/** fixtures/stuf/xsd: <operation>_<message>.xml, valid messages of every request and answer. */
export const XSD_FIXTURES = join(projectRoot(), 'fixtures', 'stuf', 'xsd');

/** The text of fixtures/stuf/xsd/<name>.xml. */
export const xsdFixture = (name: string): string => readFileSync(join(XSD_FIXTURES, `${name}.xml`), 'utf8');

/** The stuurgegevens of fixtures/stuf/xsd/creeerZaak_zakLk01.xml: Jeugd-BO asks the zaaksysteem. */
export const CREEER_ZAAK_STUURGEGEVENS: Stuurgegevens = {
  berichtcode: 'Lk01',
  zender: { organisatie: '0153', applicatie: 'Jeugd-BO' },
  ontvanger: { organisatie: '0153', applicatie: 'Zaaksysteem' },
  referentienummer: 'JBO-2026-0004712',
  tijdstipBericht: '20261120101502317',
  entiteittype: 'ZAK',
};

/** Serves `app` on a free loopback port; `base` is its URL (http://127.0.0.1:port, no trailing slash). */
export async function opLoopback(app: Express): Promise<{ server: Server; base: string }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((ok) => server.once('listening', () => ok()));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Closes a loopback server, dropping its open (keep-alive) connections first. */
export async function sluit(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((ok) => server.close(() => ok()));
}
