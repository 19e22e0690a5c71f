import { describe, expect, it } from '@jest/globals';
import { stepsOf } from '../../../src/chain/ldv/records.js';

describe('LDV steps of an exchange event', () => {
  it('an accepted event is one step, accepted, whatever the number of routes and mappings', () => {
    const detail = { routes: [{ route: 'a', destinations: ['x'], mapped: { mapping: 'm' } }, { route: 'b', destinations: ['y'], sealed: true }, { route: 'c', destinations: ['z'], mapped: { mapping: 'n' } }] };
    expect(stepsOf({ eventType: 'accepted', detail })).toEqual(['accepted']);
  });

  it('a reprocessed message is the reprocessed step', () => {
    expect(stepsOf({ eventType: 'accepted', detail: { reprocessed: { by: 'beheer', previousCode: 'no-route' }, routes: [] } })).toEqual(['reprocessed']);
  });

  it('every other event, and the four events of a message accepted before migration 150, is its own step', () => {
    for (const t of ['received', 'validated', 'routed', 'mapped', 'delivered', 'rejected'] as const) expect(stepsOf({ eventType: t, detail: {} })).toEqual([t]);
  });
});
