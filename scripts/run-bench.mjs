#!/usr/bin/env node
// Runs the compiled benchmarks (out/bench/*.js), each in its own node process.
// Usage: node scripts/run-bench.mjs [name ...]   names in kebab case: tree-load runs out/bench/treeLoad.js
// (`npm run bench -- tree-load`). With no name, every benchmark runs.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const dir = join('out', 'bench');
const kebab = (file) => file.replace(/\.js$/, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const all = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.js')).sort() : [];
if (all.length === 0) {
  console.error('run-bench: no benchmark under out/bench (run the build first)');
  process.exit(1);
}
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !all.some((f) => kebab(f) === w));
if (unknown.length) {
  console.error(`run-bench: unknown benchmark ${unknown.join(', ')}; there are: ${all.map(kebab).join(', ')}`);
  process.exit(2);
}
const chosen = wanted.length ? all.filter((f) => wanted.includes(kebab(f))) : all;
let failed = 0;
for (const file of chosen) {
  console.error(`::: bench ${kebab(file)}`);
  // --expose-gc: benchmarks collect garbage between rounds so one variant's garbage is not billed to the next.
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', join(dir, file)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
