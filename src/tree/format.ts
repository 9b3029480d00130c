// Sizes as admins read them in XenCenter and `xe`: binary units (GiB = 2^30 bytes).

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

/** "1 host", "2 hosts": a count with its noun, singular for one. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** "used / size" of an SR; XAPI reports -1 for a size it does not know (the tools ISO SR of real pools). */
export function usedOfSize(used: number, size: number): string {
  if (size < 0) return used >= 0 ? `${formatBytes(used)} used · size unknown` : 'size unknown';
  return `${formatBytes(used)} / ${formatBytes(size)}`;
}
