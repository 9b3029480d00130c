// Every plan builder of src/procedures, found from the compiled modules' exports (`plan…` functions),
// with its parameter names: the tests that must cover every procedure (the hostile corpus, the
// localized plans) iterate these, so a new builder joins them without being listed anywhere.

import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan } from '../../src/procedures/plan';

export type Builder = { name: string; fn: (...args: unknown[]) => Plan; params: string[] };

export function planBuilders(): Builder[] {
  const dir = join(__dirname, '../../src/procedures');
  const out: Builder[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.js')).sort()) {
    const mod = require(join(dir, file)) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(mod)) {
      if (!/^plan[A-Z]/.test(name) || typeof fn !== 'function') continue;
      const m = /^function\s*\w*\s*\(([^)]*)\)/.exec(fn.toString());
      assert.ok(m, `${file}: ${name} is not a plain function`);
      out.push({ name, fn: fn as Builder['fn'], params: m[1].split(',').map((p) => p.trim().split(/\s*=/)[0]).filter(Boolean) });
    }
  }
  return out;
}
