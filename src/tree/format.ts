// Sizes as admins read them in XenCenter and `xe`: binary units (GiB = 2^30 bytes). The unit symbols
// (B, KiB … PiB) are the same in every language and stay untranslated; the words around them go
// through l10n.

import { l10n } from '../text/l10n';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${Number(value.toFixed(digits))} ${UNITS[unit]}`;
}

/** "1 host", "2 hosts": a count with its English noun, singular for one (English only: rows use hostCount / srCount). */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** "1 host", "2 hosts", in the admin's language. */
export function hostCount(n: number): string {
  return n === 1 ? l10n.t('1 host') : l10n.t('{0} hosts', n);
}

/** "1 SR", "2 SRs", in the admin's language. */
export function srCount(n: number): string {
  return n === 1 ? l10n.t('1 SR') : l10n.t('{0} SRs', n);
}

/** "used / size" of an SR; XAPI reports -1 for a size it does not know (the tools ISO SR of real pools). */
export function usedOfSize(used: number, size: number): string {
  if (size < 0) return used >= 0 ? l10n.t('{0} used · size unknown', formatBytes(used)) : l10n.t('size unknown');
  return l10n.t('{0} / {1}', formatBytes(used), formatBytes(size));
}
