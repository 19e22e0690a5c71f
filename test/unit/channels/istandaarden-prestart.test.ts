/**
 * The iStandaarden channel hands a bericht's announced size (its Content-Length) to the document
 * workers before it reads the body, and the pool starts a worker only for a large one: the
 * worker's start then overlaps the upload and the parse.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { istandaardenChannel } from '../../../src/channels/istandaarden/channel.js';
import type { Mailbox } from '../../../src/core/mailbox.js';
import type { Pipeline } from '../../../src/core/pipeline.js';
import { createLogger } from '../../../src/ops/logger.js';
import type { PartyRegistry } from '../../../src/parties/registry.js';
import { DocumentPool } from '../../../src/util/document-pool.js';

describe('iStandaarden channel: a worker while the body arrives', () => {
  const announced: number[] = [];
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const app = express();
    app.use(
      '/istandaarden/v1',
      istandaardenChannel({
        authenticate: (_req, res, next) => ((res.locals.party = { id: 'aanbieder-a', kind: 'aanbieder', code: '12345678' }), next()),
        pipeline: { logRefusedRequest: async () => undefined } as unknown as Pipeline,
        parties: {} as PartyRegistry,
        mailbox: {} as Mailbox,
        maxBodyBytes: 2 * 1024 * 1024,
        xmlLimits: { maxBytes: 2 * 1024 * 1024, maxDepth: 32, maxElements: 100_000 },
        logger: createLogger('silent'),
        documenten: { prestart: (bytes: number) => void announced.push(bytes) },
      }),
    );
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/istandaarden/v1/berichten`;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  it('hands every bericht\'s announced size to the document workers', async () => {
    const groot = `<x>${'a'.repeat(300 * 1024)}</x>`;
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: groot });
    await res.text();
    expect(announced).toEqual([Buffer.byteLength(groot)]);
    const klein = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<x/>' });
    await klein.text();
    // Every bericht's size goes to the pool, which starts a worker only for a large one.
    expect(announced).toEqual([Buffer.byteLength(groot), 4]);
  });

  it('the pool starts a worker for a large announced size only', async () => {
    const pool = new DocumentPool(new URL('./niet-gebruikt.js', import.meta.url), {}, 1000);
    let started = 0;
    pool.pool.prestart = () => void started++;
    for (const bytes of [999, Number.NaN, 0]) pool.prestart(bytes);
    expect(started).toBe(0);
    pool.prestart(1000);
    expect(started).toBe(1);
    await pool.close();
  });
});
