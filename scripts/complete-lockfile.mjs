#!/usr/bin/env node
// Adds lockfile entries for optional platform binaries that the registry did not serve
// (e.g. biome, rollup and msgpackr-extract builds for other systems). Without them
// `npm ci` reports the lockfile out of sync. Entries carry os/cpu/libc, so npm skips them
// on platforms they do not match. Run after `npm install` changes the lockfile.
import { readFileSync, writeFileSync } from 'node:fs';

const OSES = ['android', 'darwin', 'linux', 'win32', 'freebsd', 'openbsd', 'openharmony', 'sunos', 'aix'];
const CPUS = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 'riscv64', 's390x', 'mips64el'];

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const packages = lock.packages;
let added = 0;
for (const info of Object.values(packages)) {
  for (const [name, version] of Object.entries(info.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (packages[key] !== undefined) continue;
    const platform = name.split('/').pop();
    const os = OSES.find((o) => platform.includes(o));
    const cpu = CPUS.find((c) => new RegExp(`-${c}(-|$)`).test(platform));
    if (os === undefined || cpu === undefined) continue;
    const entry = { version, cpu: [cpu], optional: true, os: [os] };
    if (platform.includes('musl')) entry.libc = ['musl'];
    else if (os === 'linux' && platform.includes('gnu')) entry.libc = ['glibc'];
    if (info.dev) entry.dev = true;
    packages[key] = entry;
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} platform entries`);
