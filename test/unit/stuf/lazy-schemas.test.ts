/**
 * StufSchemas `lazy` (the document worker's): reading the sets compiles nothing; a message compiles
 * the set it is first checked against, and the other set only when that one refuses it. The
 * answers are those of the eagerly compiled schemas.
 */
import { describe, expect, it } from '@jest/globals';
import { StufSchemas } from '../../../src/standards/stuf/validator.js';
import { xsdCompileCounts } from '../../../src/xml/xsd.js';
import { xsdFixture } from '../../helpers/stuf-unit.js';

const compilations = () => xsdCompileCounts.compiled + xsdCompileCounts.reused;

describe('StufSchemas, lazy', () => {
  it('compiles a set when a message first needs it, and gives the eager answers', async () => {
    const before = compilations();
    const lazy = await StufSchemas.load(undefined, { lazy: true });
    expect(compilations()).toBe(before);
    const valid = xsdFixture('creeerZaak_zakLk01');
    expect(lazy.validate(valid)).toEqual([]);
    // A ZKN message is tried against ZDS 1.1 first: valid there, ZDS 1.2 is not needed.
    expect(compilations()).toBe(before + 1);
    expect(lazy.validate(valid)).toEqual([]);
    expect(compilations()).toBe(before + 1);
    const invalid = valid.replace(/<(\w+:)?stuurgegevens>/, '<$1stuurgegevens><$1onbekend/>');
    const issues = lazy.validate(invalid);
    expect(issues.length).toBeGreaterThan(0);
    expect(compilations()).toBe(before + 2);

    const eager = await StufSchemas.load();
    try {
      expect(issues).toEqual(eager.validate(invalid));
    } finally {
      eager.dispose();
      lazy.dispose();
    }
  });
});
