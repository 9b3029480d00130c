// Building shell command lines from values: the one place every procedure goes through.
// Values (anything from XAPI, the admin or a file name) are single-quoted; uuids are checked against
// the uuid pattern; only fragments written in our own code pass unquoted, marked with raw().

import { isUuid } from '../xapi/records';

/** One shell word holding exactly `value`, whatever it contains. */
export function quote(value: string): string {
  if (value.includes('\0')) throw new Error('a NUL byte cannot be passed to a shell');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A fragment our own code wrote (an operator, a fixed option): passed as is. */
export class Raw {
  constructor(readonly text: string) {}
}
export function raw(text: string): Raw {
  return new Raw(text);
}

/** A uuid, checked: XAPI's values are untrusted, and a uuid never needs quoting once it is one. */
export function uuidArg(value: string): Raw {
  if (!isUuid(value)) throw new Error(`"${value.slice(0, 80)}" is not a uuid: refusing to put it in a command`);
  return new Raw(value.toLowerCase());
}

/** An absolute device path under /dev made of safe characters only (e.g. /dev/VG_XenStorage-<uuid>/LV-<uuid>). */
export function devicePathArg(value: string): Raw {
  if (!/^\/dev\/[A-Za-z0-9_.+\-/]+$/.test(value) || value.includes('..')) throw new Error(`"${value.slice(0, 120)}" is not a device path`);
  return new Raw(value);
}

/**
 * Tagged template: sh`xe vdi-list uuid=${uuidArg(u)} name-label=${name}` → every interpolated string
 * is one quoted word; Raw values (raw, uuidArg, devicePathArg) go in as they are; numbers must be
 * finite integers; arrays become several quoted words.
 */
export function sh(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0];
  values.forEach((v, i) => {
    out += word(v) + strings[i + 1];
  });
  return out;
}

function word(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error(`${v} is not an integer that can go into a command`);
    return String(v);
  }
  if (Array.isArray(v)) return v.map(word).join(' ');
  throw new Error(`cannot put a ${typeof v} into a shell command`);
}
