/**
 * A large iJw/iWmo bericht: its rules run on the main thread while the document worker validates
 * it against the XSD (the two are independent; the rules' verdict counts only once the XSD has
 * passed). On a 10,000-line declaratie the main thread was idle for seconds waiting for the worker,
 * then ran the rules. The worker pool is replaced here by one whose answer the test gives, so the
 * order is observed, not timed.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InboundMessage } from '../../../src/core/message.js';
import type { PartyRegistry } from '../../../src/parties/registry.js';
import type { GroteBerichten } from '../../../src/standards/istandaarden/grote-berichten.js';
import { MemoryRegister, type IstandaardenRegister } from '../../../src/standards/istandaarden/register.js';
import type { XsdValidators } from '../../../src/standards/istandaarden/schema/validator.js';
import { IstandaardenStandard } from '../../../src/standards/istandaarden/standard.js';
import { PoolBusyError } from '../../../src/util/worker-pool.js';
import { projectRoot } from '../../../src/util/paths.js';
import { parseXml } from '../../../src/xml/parse.js';

const RAW = readFileSync(join(projectRoot(), 'fixtures', 'istandaarden', 'ijw', 'jw323.xml'));

interface Geval {
  standard: IstandaardenStandard;
  /** When the rules asked the register to prepare (the first thing they do), in order of events. */
  events: string[];
  antwoord(issues: Array<{ message: string }>): void;
  weiger(err: Error): void;
}

function geval(opts: { vol?: boolean } = {}): Geval {
  const events: string[] = [];
  let antwoord!: (issues: Array<{ message: string }>) => void;
  let weiger!: (err: Error) => void;
  const xsdAntwoord = new Promise<Array<{ message: string }>>((resolve, reject) => {
    antwoord = (issues) => {
      events.push('xsd');
      resolve(issues);
    };
    weiger = reject;
  });
  const memory = new MemoryRegister();
  const register: IstandaardenRegister & { voorBericht(): Promise<IstandaardenRegister> } = Object.assign(Object.create(memory) as MemoryRegister, {
    voorBericht: async () => {
      events.push('regels');
      return memory;
    },
  });
  const grote = {
    isGroot: () => true,
    pool: { wouldRefuse: () => opts.vol === true },
    valideer: () => (opts.vol ? Promise.reject(new PoolBusyError(1)) : xsdAntwoord),
  } as unknown as GroteBerichten;
  const parties = { get: () => ({ id: 'aanbieder-a', kind: 'aanbieder', code: '12345678' }) } as unknown as PartyRegistry;
  const standard = new IstandaardenStandard('ijw', {
    xsd: { validate: () => { throw new Error('a large bericht is not validated on the main thread'); } } as unknown as XsdValidators,
    register,
    parties,
    jsonTypes: {} as never,
    mappings: new Map(),
    grote,
  });
  return { standard, events, antwoord, weiger };
}

const bericht = (): InboundMessage => ({
  channel: 'istandaarden', standard: 'ijw', messageType: 'JW323', sender: 'aanbieder-a', senderMessageId: 'x',
  contentType: 'application/xml', raw: RAW, body: parseXml(RAW),
} as unknown as InboundMessage);

const beurten = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('a large bericht: rules beside the worker\'s XSD validation', () => {
  it('the rules start before the XSD answer arrives, and their verdict is used once it passes', async () => {
    const g = geval();
    const inspectie = g.standard.inspect(bericht(), { messageId: '00000000-0000-4000-8000-000000000001' });
    await beurten(20);
    expect(g.events).toEqual(['regels']);
    g.antwoord([]);
    const uit = await inspectie;
    expect(g.events).toEqual(['regels', 'xsd']);
    expect(uit.known).toBe(true);
    expect(uit.prepared).toBeDefined();
    // The rules judged it (the empty register knows none of its toewijzingen).
    expect(uit.problems.length).toBeGreaterThan(0);
    expect(uit.problems.every((p) => p.code !== 'IB001')).toBe(true);
  });

  it('an XSD refusal is the answer (IB001), whatever the rules found meanwhile', async () => {
    const g = geval();
    const inspectie = g.standard.inspect(bericht(), { messageId: '00000000-0000-4000-8000-000000000002' });
    await beurten(5);
    g.antwoord([{ message: 'Element Foo: dit element wordt niet verwacht' }]);
    const uit = await inspectie;
    expect(uit.problems.map((p) => p.code)).toEqual(['IB001']);
    expect(uit.prepared).toBeUndefined();
  });

  it('a full pool refuses at once, and the rules are not started for nothing', async () => {
    const g = geval({ vol: true });
    await expect(g.standard.inspect(bericht(), { messageId: '00000000-0000-4000-8000-000000000003' })).rejects.toBeInstanceOf(PoolBusyError);
    expect(g.events).toEqual([]);
  });

  it('a worker that fails fails the inspection, after the rules have stopped', async () => {
    const g = geval();
    const inspectie = g.standard.inspect(bericht(), { messageId: '00000000-0000-4000-8000-000000000004' });
    await beurten(5);
    g.weiger(new Error('worker died'));
    await expect(inspectie).rejects.toThrow('worker died');
  });
});
