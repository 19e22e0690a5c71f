/**
 * A 323's ceiling-monitor rows are worked out while the bericht is inspected, under the register
 * its checks used, so the accepting transaction (and the group commit's writer with it) only writes
 * them; when the register changed in between, they are worked out again under the new version.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, jest } from '@jest/globals';
import type { Inspection, InboundMessage, Standard } from '../../../src/core/message.js';
import { CeilingMonitor } from '../../../src/contracten/monitor.js';
import { ContractIndex } from '../../../src/contracten/register.js';
import { ContractStandard } from '../../../src/contracten/standaard.js';
import type { ContractVersies } from '../../../src/contracten/versies.js';
import { ExchangeLog } from '../../../src/log/exchange-log.js';
import { generateMasterKey, keyRingFrom, parseMasterKey } from '../../../src/log/keys.js';
import { readHeader } from '../../../src/standards/istandaarden/header.js';
import type { IstandaardenPrepared } from '../../../src/standards/istandaarden/standard.js';
import type { Db, Queryable } from '../../../src/store/db.js';
import { parseXml } from '../../../src/xml/parse.js';
import { declaratie323, twenteRegister } from '../../helpers/contracten.js';
import { syntheticBsn } from '../../helpers/declaratie.js';

const ring = keyRingFrom(parseMasterKey(generateMasterKey()));
const V1 = new ContractIndex(twenteRegister(), 1);
// Version 2 has no contracts: its prestaties are covered by none.
const V2 = new ContractIndex({ ...twenteRegister(), contracten: [] }, 2);

function bericht(): { msg: InboundMessage; prepared: IstandaardenPrepared } {
  const xml = declaratie323({
    afzender: '12345678', ontvanger: '0153', identificatie: `V${randomUUID().slice(0, 8)}`, dagtekening: '2026-11-02', periode: { van: '2026-10-01', tot: '2026-10-31' },
    prestaties: [1, 2, 3].map((n) => ({ bsn: syntheticBsn(n), toewijzingNummer: String(70000000 + n), categorie: '45', code: '45A48', begindatum: '2026-10-01', einddatum: '2026-10-31', volume: 2, eenheid: '04', tarief: 7850, referentie: `VR${n}` })),
  });
  const raw = Buffer.from(xml);
  const root = parseXml(raw);
  const prepared: IstandaardenPrepared = { standaard: 'ijw', nummer: '323', header: readHeader(root), root, raw };
  const msg = { channel: 'istandaarden', standard: 'ijw', messageType: 'JW323', sender: 'aanbieder-12345678', receiver: 'gemeente-0153', senderMessageId: 'x', contentType: 'application/xml', raw, body: root } as unknown as InboundMessage;
  return { msg, prepared };
}

/** A transaction that only records what it is asked; the standings come back at zero. */
function opnemer(): { tx: Queryable; prestatieRijen: () => Array<Record<string, unknown>> } {
  const params: unknown[][] = [];
  const sql: string[] = [];
  const tx = {
    query: async (text: string, p: unknown[] = []) => {
      sql.push(text);
      params.push(p);
      return { rows: [{ gedeclareerd: 0 }], rowCount: 1 };
    },
  } as unknown as Queryable;
  return {
    tx,
    prestatieRijen: () => sql.flatMap((s, i) => (s.includes('contract_prestaties') ? (JSON.parse(String(params[i]![0])) as Array<Record<string, unknown>>) : [])),
  };
}

describe('a 323 through the contract standard', () => {
  function opzet(inRegister: () => ContractIndex) {
    const monitor = new CeilingMonitor(new ExchangeLog({} as Db, ring), ring);
    const bereken = jest.spyOn(monitor, 'bereken');
    const versies = { actueel: async () => inRegister() } as unknown as ContractVersies;
    const { msg, prepared } = bericht();
    const inspection: Inspection = { known: true, problems: [], subjects: [], prepared };
    const inner: Standard = { name: 'ijw', inspect: async () => inspection } as unknown as Standard;
    return { standard: new ContractStandard(inner, { versies, monitor, log: new ExchangeLog({} as Db, ring) }), bereken, msg, inspection };
  }

  it('works out the monitor rows during the inspection; the transaction only writes them', async () => {
    const { standard, bereken, msg, inspection } = opzet(() => V1);
    const messageId = randomUUID();
    await standard.inspect(msg, { messageId });
    expect(bereken).toHaveBeenCalledTimes(1);
    const { tx, prestatieRijen } = opnemer();
    await standard.recordAccepted(tx, msg, inspection, messageId);
    expect(bereken).toHaveBeenCalledTimes(1);
    const rijen = prestatieRijen();
    expect(rijen).toHaveLength(3);
    expect(rijen.every((r) => r.message_id === messageId && typeof r.contract_id === 'string')).toBe(true);
  });

  it('works them out again when the register changed between inspection and transaction', async () => {
    let huidig = V1;
    const { standard, bereken, msg, inspection } = opzet(() => huidig);
    const messageId = randomUUID();
    await standard.inspect(msg, { messageId });
    huidig = V2;
    const { tx, prestatieRijen } = opnemer();
    await standard.recordAccepted(tx, msg, inspection, messageId);
    expect(bereken).toHaveBeenCalledTimes(2);
    expect(prestatieRijen().map((r) => r.contract_id)).toEqual([null, null, null]);
  });
});
