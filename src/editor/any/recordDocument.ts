// The text of Show XAPI Record: a record from the pool's model as JSON with comments (jsonc), each
// reference annotated with what it points to ("// host vms-gen-05"), secrets masked. Values from XAPI
// are untrusted: names in the comments are cleaned to one escaped line (displayName), and characters
// that change how text around them looks (bidi marks, zero-width, line separators) are written as
// \u escapes, which JSON reads back as the same string. No vscode import: tested in plain node.

import type { PoolModel } from '../../model/poolModel';
import { MODEL_CLASSES, type XapiClass } from '../../xapi/records';
import { displayName } from '../../text/display';

/** Map keys whose values are secrets: CHAP and CIFS passwords, `password_secret` refs, tokens, keys. */
const SECRET_KEY = /pass|secret|token|private[-_]?key/i;
export const MASK = '•••••• (masked)';

/** Characters JSON.stringify leaves raw that would reorder or hide the text around them. */
const INVISIBLE = /[\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

function masked(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(masked);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && (typeof v === 'string' ? v !== '' : v != null) ? MASK : masked(v);
    return out;
  }
  return value;
}

/** What a ref points to, in the admin's words: "host vms-gen-05", "PBD of host x", or undefined. */
export function describeRef(model: PoolModel, ref: string): string | undefined {
  for (const cls of MODEL_CLASSES) {
    const rec = model.get(cls, ref) as Record<string, unknown> | undefined;
    if (!rec) continue;
    if (typeof rec.name_label === 'string') return `${cls} ${displayName(rec.name_label, 80)}`;
    const owner = (['host', 'VM', 'SR', 'VDI'] as const).map((k) => rec[k]).find((v): v is string => typeof v === 'string' && v.startsWith('OpaqueRef:'));
    const ownerName = owner ? (model.get('host', owner) ?? model.get('VM', owner) ?? model.get('SR', owner) ?? model.get('VDI', owner)) as { name_label?: string } | undefined : undefined;
    return ownerName?.name_label !== undefined ? `${cls} of ${displayName(ownerName.name_label, 80)}` : cls;
  }
  return undefined;
}

/** The document: a header comment, then the masked record with its refs annotated. */
export function recordDocument(model: PoolModel, cls: XapiClass, ref: string, pool: string): string | undefined {
  const record = model.get(cls, ref);
  if (!record) return undefined;
  const json = JSON.stringify(masked(record), null, 2).replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const lines = json.split('\n').map((line) => {
    const refs = [...line.matchAll(/"(OpaqueRef:[0-9A-Za-z-]+)"/g)].map((m) => m[1]).filter((r) => r !== 'OpaqueRef:NULL');
    const names = refs.map((r) => describeRef(model, r) ?? 'not in the model');
    return names.length ? `${line} // ${names.join(', ')}` : line;
  });
  return [
    `// XAPI record of ${cls} ${displayName(ref, 80)} in pool ${displayName(pool, 80)}, read-only, as the model holds it (kept current by event.from).`,
    `// Secrets are masked; each reference is followed by what it points to.`,
    ...lines,
    '',
  ].join('\n');
}
