/**
 * Chevrotain, loaded from its single-file bundle. The package's main entry loads its lodash-es
 * dependency module by module, which takes most of a second, and every program importing weir
 * (each worker thread too) would pay for it; the bundle, shipped in the same package, loads in
 * a few milliseconds. Types come from the package as usual.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Chevrotain = typeof import('chevrotain');

async function load(): Promise<Chevrotain> {
  try {
    const entry = createRequire(import.meta.url).resolve('chevrotain');
    return (await import(pathToFileURL(join(dirname(entry), '..', 'chevrotain.min.mjs')).href)) as Chevrotain;
  } catch {
    // A chevrotain without the bundle still works, only slower to load.
    return await import('chevrotain');
  }
}

const chevrotain = await load();

export const { createToken, EmbeddedActionsParser, EOF, Lexer, LLkLookaheadStrategy } = chevrotain;
