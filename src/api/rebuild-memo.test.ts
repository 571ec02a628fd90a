/**
 * The rebuild memo: values are remembered only where jobs can run on worker threads, as
 * copies taken when remembered, and recalled only from what a submitting thread sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setEnvironmentDefaults } from './context.js';
import {
  installRebuildMemo,
  rebuildingFromCompleteMemo,
  rebuildMemo,
  recallFromSubmitter,
  rememberForRebuild,
} from './rebuild-memo.js';

afterEach(() => {
  setEnvironmentDefaults(undefined);
  installRebuildMemo(undefined);
});

describe('rebuild memo', () => {
  it('remembers nothing when no job file can run on worker threads', () => {
    rememberForRebuild('test.none', 'k', { a: 1 });
    expect(rebuildMemo()['test.none']).toBeUndefined();
  });

  it('sends a copy taken when remembered, which a worker recalls by namespace and key', () => {
    setEnvironmentDefaults({ jobModule: { path: '/job.ts', args: [] } });
    const value = { kind: 'select', items: [1, 2] };
    rememberForRebuild('test.copy', 'SELECT 1', value);
    value.items.push(3);
    const sent = structuredClone(rebuildMemo());
    expect(sent['test.copy']).toEqual({ 'SELECT 1': { kind: 'select', items: [1, 2] } });

    expect(recallFromSubmitter('test.copy', 'SELECT 1')).toBeUndefined();
    installRebuildMemo(sent);
    expect(recallFromSubmitter('test.copy', 'SELECT 1')).toEqual({ kind: 'select', items: [1, 2] });
    expect(recallFromSubmitter('test.copy', 'SELECT 2')).toBeUndefined();
    expect(recallFromSubmitter('test.copy', 'toString')).toBeUndefined();
    expect(recallFromSubmitter('test.other', 'SELECT 1')).toBeUndefined();
  });

  it('keeps at most 1,000 keys a namespace, still updating those it has', () => {
    setEnvironmentDefaults({ jobModule: { path: '/job.ts', args: [] } });
    for (let i = 0; i < 1100; i++) rememberForRebuild('test.cap', `k${i}`, i);
    rememberForRebuild('test.cap', 'k0', 'again');
    const kept = rebuildMemo()['test.cap']!;
    expect(Object.keys(kept)).toHaveLength(1000);
    expect(kept.k0).toBe('again');
    expect(kept.k1099).toBeUndefined();
  });

  it('tells a rebuilding thread which namespaces came complete, so it may skip computing them', () => {
    setEnvironmentDefaults({ jobModule: { path: '/job.ts', args: [] } });
    // Not rebuilding: this thread computes what it needs.
    expect(rebuildingFromCompleteMemo('test.whole')).toBe(false);
    rememberForRebuild('test.whole', 'k', 1);
    for (let i = 0; i < 1001; i++) rememberForRebuild('test.dropped', `k${i}`, i);
    installRebuildMemo(structuredClone(rebuildMemo()));
    expect(rebuildingFromCompleteMemo('test.whole')).toBe(true);
    // A namespace the submitter never used is complete too: it had nothing to remember.
    expect(rebuildingFromCompleteMemo('test.unused')).toBe(true);
    expect(rebuildingFromCompleteMemo('test.dropped')).toBe(false);
    expect(recallFromSubmitter('test.dropped', 'k0')).toBe(0);
  });
});
