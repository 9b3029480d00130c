// Raw XAPI records (as either transport delivers them) → the typed records of records.ts.
//
// XML-RPC gives int64 fields as decimal strings and dates as Date; JSON-RPC gives numbers and compact
// date strings. Both become `number` and `Date` here. A field an older XAPI does not have (XCP 1.5
// lacks some later fields) gets its type's empty value, so readers never meet `undefined`. Fields not
// in the schema are kept as they came.

import { NULL_REF, type RecordOf, type XapiClass, MODEL_CLASSES } from './records';
import { parseXapiDate } from './xmlDecoder';

/** s string, b boolean, i int64, f float, d date, r ref, a array, m string map. */
type Kind = 's' | 'b' | 'i' | 'f' | 'd' | 'r' | 'a' | 'm';
type Schema = { [K in XapiClass]: { [F in keyof RecordOf[K] & string]: Kind } };

const NAMED = { uuid: 's', name_label: 's', name_description: 's' } as const;

export const SCHEMA: Schema = {
  pool: { ...NAMED, master: 'r', default_SR: 'r', ha_enabled: 'b', other_config: 'm' },
  host: {
    ...NAMED, hostname: 's', address: 's', enabled: 'b', metrics: 'r', software_version: 'm',
    API_version_major: 'i', API_version_minor: 'i', resident_VMs: 'a', PBDs: 'a', PIFs: 'a', cpu_info: 'm',
    other_config: 'm',
  },
  host_metrics: { uuid: 's', live: 'b', memory_total: 'i', memory_free: 'i', last_updated: 'd' },
  SR: {
    ...NAMED, type: 's', content_type: 's', shared: 'b', physical_size: 'i', physical_utilisation: 'i',
    virtual_allocation: 'i', PBDs: 'a', VDIs: 'a', sm_config: 'm', other_config: 'm',
  },
  PBD: { uuid: 's', host: 'r', SR: 'r', device_config: 'm', currently_attached: 'b', other_config: 'm' },
  VDI: {
    ...NAMED, SR: 'r', VBDs: 'a', virtual_size: 'i', physical_utilisation: 'i', type: 's', sharable: 'b',
    read_only: 'b', managed: 'b', missing: 'b', location: 's', is_a_snapshot: 'b', sm_config: 'm', other_config: 'm', snapshot_of: 'r',
  },
  VBD: {
    uuid: 's', VM: 'r', VDI: 'r', device: 's', userdevice: 's', mode: 's', type: 's', bootable: 'b',
    currently_attached: 'b',
  },
  VM: {
    ...NAMED, power_state: 's', resident_on: 'r', is_control_domain: 'b', is_a_template: 'b', is_a_snapshot: 'b',
    VBDs: 'a', guest_metrics: 'r', domid: 'i', memory_static_max: 'i', VCPUs_max: 'i', PV_bootloader: 's',
    HVM_boot_policy: 's', other_config: 'm',
    allowed_operations: 'a', current_operations: 'm', memory_static_min: 'i', memory_dynamic_min: 'i',
    memory_dynamic_max: 'i', memory_target: 'i', snapshot_of: 'r', snapshots: 'a', snapshot_time: 'd', snapshot_info: 'm',
  },
  VM_guest_metrics: { uuid: 's', PV_drivers_version: 'm', PV_drivers_up_to_date: 'b', os_version: 'm', networks: 'm' },
  PIF: {
    uuid: 's', device: 's', network: 'r', host: 'r', MAC: 's', IP: 's', netmask: 's', gateway: 's', DNS: 's',
    ip_configuration_mode: 's', management: 'b', VLAN: 'i', ipv6_configuration_mode: 's', IPv6: 'a',
    currently_attached: 'b',
  },
  network: { ...NAMED, bridge: 's', PIFs: 'a', other_config: 'm' },
  message: { uuid: 's', name: 's', priority: 'i', cls: 's', obj_uuid: 's', timestamp: 'd', body: 's' },
};

// Flattened for the hot loop: [field, kind] pairs per class.
const FIELDS = new Map<string, [string, Kind][]>(
  Object.entries(SCHEMA).map(([cls, fields]) => [cls, Object.entries(fields) as [string, Kind][]]),
);

const EPOCH = new Date(0);

function toInt(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = Number(v);
    return Number.isFinite(n) ? n : 0;
  }
  if (typeof v === 'bigint') return Number(v);
  return 0;
}

function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  return v === 'true' || v === '1' || v === 1;
}

function toDate(v: unknown): Date {
  if (v instanceof Date) return v;
  if (typeof v === 'string' && v !== '') {
    try {
      return parseXapiDate(v);
    } catch {
      return EPOCH;
    }
  }
  if (typeof v === 'number') return new Date(v * 1000);
  return EPOCH;
}

/** Decodes one record in place (the raw object is fresh from the transport) and returns it typed. */
export function decodeRecord<K extends XapiClass>(cls: K, raw: unknown): RecordOf[K] {
  const rec = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const fields = FIELDS.get(cls);
  if (!fields) return rec as unknown as RecordOf[K];
  for (let n = 0; n < fields.length; n++) {
    const [f, kind] = fields[n];
    const v = rec[f];
    switch (kind) {
      case 's':
        if (typeof v !== 'string') rec[f] = v === undefined || v === null ? '' : String(v);
        break;
      case 'i':
        if (typeof v !== 'number') rec[f] = toInt(v);
        break;
      case 'f':
        if (typeof v !== 'number') rec[f] = v === undefined ? 0 : Number(v);
        break;
      case 'b':
        if (typeof v !== 'boolean') rec[f] = toBool(v);
        break;
      case 'd':
        if (!(v instanceof Date)) rec[f] = toDate(v);
        break;
      case 'r':
        if (typeof v !== 'string' || v === '') rec[f] = NULL_REF;
        break;
      case 'a':
        if (!Array.isArray(v)) rec[f] = [];
        break;
      case 'm':
        if (!v || typeof v !== 'object' || Array.isArray(v)) rec[f] = {};
        break;
    }
  }
  return rec as unknown as RecordOf[K];
}

/** Decodes a `get_all_records` answer (`{ref: record}`) into a Map, in place. */
export function decodeAllRecords<K extends XapiClass>(cls: K, raw: unknown): Map<string, RecordOf[K]> {
  const out = new Map<string, RecordOf[K]>();
  if (raw && typeof raw === 'object') {
    for (const ref in raw as Record<string, unknown>) out.set(ref, decodeRecord(cls, (raw as Record<string, unknown>)[ref]));
  }
  return out;
}

const BY_LOWER = new Map<string, XapiClass>(MODEL_CLASSES.map((c) => [c.toLowerCase(), c]));

/** event.from's lowercase class name → our class name (`vdi` → `VDI`), or undefined if not cached. */
export function classFromEventName(name: string): XapiClass | undefined {
  return BY_LOWER.get(name.toLowerCase());
}
