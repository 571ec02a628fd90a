/**
 * Changelog mode algebra: a merge of modes carries every kind of its parts, and exactly those
 * when some mode has that set; dropping -U removes only -U; a consumer takes a mode when it
 * takes its kinds, an upsert consumer also ignoring -U, and a retract one refusing updates
 * without their -U.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type ChangelogMode,
  canConsume,
  formatChangelogMode,
  hasUpdateBefore,
  isUpsert,
  ROW_KINDS,
  type RowKind,
  widestMode,
  withoutUpdateBefore,
} from './changelog.js';

const MODES = Object.keys(ROW_KINDS) as ChangelogMode[];
const mode = fc.constantFrom(...MODES);
const kindsOf = (m: ChangelogMode) => new Set<RowKind>(ROW_KINDS[m]);

describe('changelog modes', () => {
  test('a merge carries every kind of its parts, and no more when a mode has exactly those', () => {
    fc.assert(
      fc.property(fc.array(mode, { minLength: 1, maxLength: 4 }), (modes) => {
        const merged = kindsOf(widestMode(modes));
        const union = new Set(modes.flatMap((m) => ROW_KINDS[m]));
        for (const k of union) expect(merged.has(k)).toBe(true);
        const exact = MODES.find(
          (m) => kindsOf(m).size === union.size && [...union].every((k) => kindsOf(m).has(k)),
        );
        if (exact !== undefined) expect(widestMode(modes)).toBe(exact);
      }),
    );
  });

  test('dropping -U removes -U and keeps every other kind', () => {
    fc.assert(
      fc.property(mode, (m) => {
        const without = withoutUpdateBefore(m);
        expect(hasUpdateBefore(without)).toBe(false);
        expect(ROW_KINDS[without]).toEqual(ROW_KINDS[m].filter((k) => k !== '-U'));
        expect(isUpsert(without)).toBe(ROW_KINDS[m].includes('+U'));
      }),
    );
  });

  test('a consumer takes a mode whose kinds it takes, an upsert one ignoring -U', () => {
    fc.assert(
      fc.property(mode, mode, (accepted, produced) => {
        const takes = kindsOf(accepted);
        const ignored = isUpsert(accepted) ? new Set<RowKind>(['-U']) : new Set<RowKind>();
        const kindsFit = ROW_KINDS[produced].every((k) => takes.has(k) || ignored.has(k));
        const missingBefore = isUpsert(produced) && hasUpdateBefore(accepted);
        expect(canConsume(accepted, produced)).toBe(kindsFit && !missingBefore);
      }),
    );
  });

  test("EXPLAIN names each mode by its kinds, as Flink's changelogMode", () => {
    expect(MODES.map(formatChangelogMode)).toEqual(['I', 'I,UB,UA,D', 'I,UA,D', 'I,UB,UA', 'I,UA']);
  });
});
