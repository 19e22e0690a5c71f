import { describe, expect, it } from '@jest/globals';
import type { GatewayConfig } from '../../src/config/types.js';
import { PartyRegistry } from '../../src/parties/registry.js';
import { DestinationRegistry } from '../../src/routing/destinations.js';
import { Router, valueAt } from '../../src/routing/router.js';

const config: GatewayConfig = {
  parties: [
    { id: 'gemeente-0153', kind: 'gemeente', name: 'Enschede', credentials: { apiKeys: [] } },
    { id: 'gemeente-0164', kind: 'gemeente', name: 'Hengelo', credentials: { apiKeys: [] } },
    { id: 'aanbieder-12345678', kind: 'aanbieder', name: 'A', credentials: { apiKeys: [] }, deliverTo: 'hook-a' },
    { id: 'aanbieder-87654321', kind: 'aanbieder', name: 'B', credentials: { apiKeys: [] } },
  ],
  destinations: [
    { id: 'hook-a', type: 'webhook', url: 'http://127.0.0.1:1/a' },
    { id: 'archief', type: 'webhook', url: 'http://127.0.0.1:1/archief' },
  ],
  routes: [
    { id: 'hengelo-xml', match: { standard: 'json', messageType: 'toewijzing', sender: 'gemeente-0164', receiver: 'aanbieder-*' }, mapping: 'm-xml', destinations: ['$receiver'] },
    { id: 'rest', match: { standard: 'json', messageType: 'toewijzing', sender: ['gemeente-0153'], receiver: 'aanbieder-*' }, mapping: 'm-json', destinations: ['$receiver'] },
    { id: 'jeugd-archief', match: { standard: 'json', messageType: ['toewijzing'], content: [{ path: 'payload.producten[0].categorie', in: ['45', '46'] }] }, mapping: 'm-json', destinations: ['archief'] },
  ],
};

describe('router', () => {
  const parties = new PartyRegistry(config);
  const router = new Router(config, new DestinationRegistry(config, parties));
  const body = (categorie: string) => ({ payload: { producten: [{ categorie }] } });

  it('routes per municipality to the receiver’s own endpoint or mailbox', () => {
    const hengelo = router.plan({ standard: 'json', messageType: 'toewijzing', sender: 'gemeente-0164', receiver: 'aanbieder-12345678', body: body('10') });
    expect(hengelo.map((p) => [p.route.id, p.destinations.map((d) => d.id)])).toEqual([['hengelo-xml', ['hook-a']]]);
    const enschede = router.plan({ standard: 'json', messageType: 'toewijzing', sender: 'gemeente-0153', receiver: 'aanbieder-87654321', body: body('10') });
    expect(enschede.map((p) => [p.route.id, p.destinations.map((d) => d.id)])).toEqual([['rest', ['mailbox-aanbieder-87654321']]]);
  });

  it('applies every matching route, including content conditions', () => {
    const plans = router.plan({ standard: 'json', messageType: 'toewijzing', sender: 'gemeente-0153', receiver: 'aanbieder-12345678', body: body('45') });
    expect(plans.map((p) => p.route.id)).toEqual(['rest', 'jeugd-archief']);
  });

  it('finds no route for another type, standard or sender', () => {
    expect(router.plan({ standard: 'json', messageType: 'declaratie', sender: 'gemeente-0153', receiver: 'aanbieder-12345678', body: {} })).toEqual([]);
    expect(router.plan({ standard: 'ijw', messageType: 'toewijzing', sender: 'gemeente-0153', receiver: 'aanbieder-12345678', body: {} })).toEqual([]);
    expect(router.plan({ standard: 'json', messageType: 'toewijzing', sender: 'gemeente-0999', receiver: 'aanbieder-12345678', body: body('10') })).toEqual([]);
  });

  it('does not treat wildcard characters in party ids as regular expressions', () => {
    expect(router.plan({ standard: 'json', messageType: 'toewijzing', sender: 'gemeente.0164', receiver: 'aanbieder-1', body: body('10') })).toEqual([]);
  });

  it('reads dotted paths with array indexes', () => {
    expect(valueAt({ a: { b: [{ c: 1 }, { c: 2 }] } }, 'a.b[1].c')).toBe(2);
    expect(valueAt({ a: 1 }, 'a.b.c')).toBeUndefined();
    expect(valueAt({ a: [1] }, 'a[3]')).toBeUndefined();
  });
});
