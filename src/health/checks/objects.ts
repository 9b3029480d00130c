// How a finding names the objects of a pool: kind, name, uuid and ref from their records. No vscode import.

import type { PoolModel } from '../../model/poolModel';
import type { FindingObject } from '../finding';
import { l10n } from '../../text/l10n';

export function hostObject(model: PoolModel, ref: string): FindingObject {
  const h = model.get('host', ref);
  return { kind: 'host', name: h?.name_label ?? '', uuid: h?.uuid ?? '', ref };
}
export function srObject(model: PoolModel, ref: string): FindingObject {
  const s = model.get('SR', ref);
  return { kind: 'SR', name: s?.name_label ?? '', uuid: s?.uuid ?? '', ref };
}
export function vdiObject(model: PoolModel, ref: string): FindingObject {
  const v = model.get('VDI', ref);
  return { kind: 'VDI', name: v?.name_label ?? '', uuid: v?.uuid ?? '', ref };
}
export function vmObject(model: PoolModel, ref: string): FindingObject {
  const v = model.get('VM', ref);
  return { kind: 'VM', name: v?.name_label ?? '', uuid: v?.uuid ?? '', ref };
}
export function poolObject(model: PoolModel): FindingObject {
  const p = model.all('pool')[0];
  return { kind: 'pool', name: p?.record.name_label ?? '', uuid: p?.record.uuid ?? '', ref: p?.ref };
}

/** The kind of a finding's object in a sentence: "host", "SR", … (class names stay as XAPI spells them, "pool" and "host" are words). */
export function objectKindLabel(kind: FindingObject['kind']): string {
  switch (kind) {
    case 'pool': return l10n.t('pool');
    case 'host': return l10n.t('host');
    default: return kind;
  }
}

/** "1.5 TiB" for evidence lines. */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}
