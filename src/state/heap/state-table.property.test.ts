/**
 * The heap state table against a model (a map from key to a map from namespace to value): keys
 * whose one entry is in the void namespace keep the value itself, others a row, and a key moves
 * between the two forms as namespaces come and go. Random writes, removals, incremental-cleanup
 * removals and replacements and restores of any key, with the current key switching between
 * them, must read back what the model holds, keep `size` exact, list each key's entries in the
 * model's order, and survive a snapshot and restore of the table.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VOID_NAMESPACE } from '../backend.js';
import { type CanonicalKey, canonicalKey, keyGroupOfCanonical } from '../key-groups.js';
import { KeyContext } from './key-context.js';
import { type HeapKeyGroupSnapshot, restoreRows, snapshotTable } from './snapshot.js';
import { type NamespaceKey, StateTable, slotEntries } from './state-table.js';

const MAX_PARALLELISM = 128;
const keyArb = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constantFrom('a', 'b', ''), fc.constant({ u: 1 }));
const nsArb: fc.Arbitrary<NamespaceKey> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(VOID_NAMESPACE) },
  { weight: 2, arbitrary: fc.constantFrom<NamespaceKey>('w1', 7, 8) },
);
const valueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.string({ maxLength: 3 }),
  fc.record({ price: fc.integer(), extra: fc.string({ maxLength: 2 }) }),
  fc.array(fc.integer(), { minLength: 1, maxLength: 3 }),
  fc.constant(null),
);

const opArb = fc.oneof(
  fc.record({ op: fc.constant('put' as const), key: keyArb, ns: nsArb, value: valueArb }),
  fc.record({ op: fc.constant('putSame' as const), key: keyArb, ns: nsArb }),
  fc.record({ op: fc.constant('remove' as const), key: keyArb, ns: nsArb }),
  fc.record({ op: fc.constant('removeAt' as const), key: keyArb, ns: nsArb }),
  fc.record({ op: fc.constant('replaceAt' as const), key: keyArb, ns: nsArb, value: valueArb }),
  fc.record({ op: fc.constant('restore' as const), key: keyArb, ns: nsArb, value: valueArb }),
  fc.record({ op: fc.constant('get' as const), key: keyArb, ns: nsArb }),
);
type Op = typeof opArb extends fc.Arbitrary<infer O> ? O : never;

type Model = Map<CanonicalKey, Map<NamespaceKey, unknown>>;

function setKey(ctx: KeyContext, key: unknown): void {
  const canonical = canonicalKey(key);
  if (ctx.hasKey && ctx.canonical === canonical) return;
  ctx.key = key;
  ctx.canonical = canonical;
  ctx.keyGroup = keyGroupOfCanonical(canonical, MAX_PARALLELISM);
  ctx.hasKey = true;
  ctx.epoch++;
}

/** Applies one operation to the table (through the current key where the table needs one) and the model. */
function apply(table: StateTable<unknown>, ctx: KeyContext, model: Model, op: Op): void {
  const canonical = canonicalKey(op.key);
  const entries = model.get(canonical);
  const modelValue = entries?.get(op.ns);
  const setModel = (value: unknown) => {
    if (entries === undefined) model.set(canonical, new Map([[op.ns, value]]));
    else entries.set(op.ns, value);
  };
  const deleteModel = () => {
    entries?.delete(op.ns);
    if (entries?.size === 0) model.delete(canonical);
  };
  switch (op.op) {
    case 'put':
      setKey(ctx, op.key);
      table.put(op.ns, op.value);
      setModel(op.value);
      return;
    case 'putSame': {
      // A value changed in place and written back, as list and map states do.
      setKey(ctx, op.key);
      const value = table.get(op.ns);
      expect(value).toBe(modelValue);
      if (value === undefined) return;
      table.put(op.ns, value);
      return;
    }
    case 'remove':
      setKey(ctx, op.key);
      expect(table.remove(op.ns)).toBe(modelValue);
      deleteModel();
      return;
    case 'removeAt':
      table.removeAt(canonical, op.ns);
      deleteModel();
      return;
    case 'replaceAt':
      table.replaceAt(canonical, op.ns, op.value);
      if (modelValue !== undefined) setModel(op.value);
      return;
    case 'restore':
      table.restore(canonical, op.key, op.ns, op.value);
      setModel(op.value);
      return;
    case 'get':
      setKey(ctx, op.key);
      expect(table.get(op.ns)).toBe(modelValue);
  }
}

/** The table's entries per key, in its own order. */
function contents(table: StateTable<unknown>): Model {
  const out: Model = new Map();
  for (const [canonical, slot] of table.rows) {
    const entries = new Map<NamespaceKey, unknown>();
    const it = slotEntries(slot);
    for (let e = it.next(); !e.done; e = it.next()) entries.set(e.value[0], e.value[1]);
    out.set(canonical, entries);
  }
  return out;
}

const ordered = (m: Model) => [...m].map(([k, entries]) => [k, [...entries]]);

describe('the heap state table', () => {
  it('reads back what a model of its writes holds, in either form of a key', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const ctx = new KeyContext(() => 0);
        const table = new StateTable<unknown>(ctx);
        const model: Model = new Map();
        for (const op of ops) apply(table, ctx, model, op);
        // Per key the model's entries in the model's order; keys may be in another order.
        const got = contents(table);
        expect(new Set(got.keys())).toEqual(new Set(model.keys()));
        for (const [k, entries] of model) expect([...got.get(k)!]).toEqual([...entries]);
        let size = 0;
        for (const entries of model.values()) size += entries.size;
        expect(table.size).toBe(size);
        // Every read through the current key agrees too.
        for (const [canonical, entries] of model)
          for (const [ns, value] of entries) {
            setKey(ctx, table.originalKey(canonical));
            expect(table.get(ns)).toBe(value);
          }

        // A snapshot of the table restores to the same entries, key by key.
        const groups = new Map<number, HeapKeyGroupSnapshot>();
        snapshotTable(groups, 's', 'value', false, table, MAX_PARALLELISM);
        const restored = new StateTable<unknown>(new KeyContext(() => 0));
        for (const [keyGroup, states] of groups)
          for (const state of states) restoreRows(restored, state, keyGroup, MAX_PARALLELISM, undefined);
        const back = contents(restored);
        expect(ordered(new Map([...back].sort(byKey)))).toEqual(ordered(new Map([...got].sort(byKey))));
        expect(restored.size).toBe(size);
      }),
      { numRuns: 500 },
    );
  });
});

const byKey = (a: [CanonicalKey, unknown], b: [CanonicalKey, unknown]) =>
  String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0;
