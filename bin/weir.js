#!/usr/bin/env node
// Runs the CLI from TypeScript sources, so job files written in TypeScript load the same way.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
