// Typed XAPI records: the subset of each class's fields that the model, the tree and the procedures read.
// Field names and types follow XAPI's datamodel (xapi-project/xen-api, doc/data/xenapi.json).
// int64 fields (sizes, counts) are decoded to `number` everywhere: byte counts stay below 2^53.

/** An object reference, as XAPI writes it: `OpaqueRef:<uuid>`; the null ref is `OpaqueRef:NULL`. */
export type Ref<C extends XapiClass = XapiClass> = `OpaqueRef:${string}` & { readonly __class?: C };
/** A uuid checked against the uuid pattern (see `isUuid`). */
export type Uuid = string & { readonly __uuid: true };

export const NULL_REF = 'OpaqueRef:NULL' as Ref<never>;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(s: unknown): s is Uuid {
  return typeof s === 'string' && UUID_PATTERN.test(s);
}

export type XapiClass =
  | 'pool' | 'host' | 'host_metrics' | 'SR' | 'PBD' | 'VDI' | 'VBD' | 'VM' | 'VM_guest_metrics' | 'PIF' | 'network'
  | 'message';

/** The classes the model caches, in the order they are fetched. */
export const MODEL_CLASSES: readonly XapiClass[] = [
  'pool', 'host', 'host_metrics', 'SR', 'PBD', 'VDI', 'VBD', 'VM', 'VM_guest_metrics', 'PIF', 'network', 'message',
];

export type StringMap = Record<string, string>;

export interface PoolRecord {
  uuid: Uuid; name_label: string; name_description: string;
  master: Ref<'host'>; default_SR: Ref<'SR'>; ha_enabled: boolean; other_config: StringMap;
}
export interface HostRecord {
  uuid: Uuid; name_label: string; name_description: string; hostname: string; address: string;
  enabled: boolean; metrics: Ref<'host_metrics'>; software_version: StringMap;
  API_version_major: number; API_version_minor: number;
  resident_VMs: Ref<'VM'>[]; PBDs: Ref<'PBD'>[]; PIFs: Ref<'PIF'>[];
  cpu_info: StringMap; other_config: StringMap;
}
export interface HostMetricsRecord {
  uuid: Uuid; live: boolean; memory_total: number; memory_free: number; last_updated: Date;
}
export interface SrRecord {
  uuid: Uuid; name_label: string; name_description: string; type: string; content_type: string;
  shared: boolean; physical_size: number; physical_utilisation: number; virtual_allocation: number;
  PBDs: Ref<'PBD'>[]; VDIs: Ref<'VDI'>[]; sm_config: StringMap; other_config: StringMap;
}
export interface PbdRecord {
  uuid: Uuid; host: Ref<'host'>; SR: Ref<'SR'>; device_config: StringMap; currently_attached: boolean;
  other_config: StringMap;
}
export interface VdiRecord {
  uuid: Uuid; name_label: string; name_description: string; SR: Ref<'SR'>; VBDs: Ref<'VBD'>[];
  virtual_size: number; physical_utilisation: number; type: string; sharable: boolean; read_only: boolean;
  managed: boolean; missing: boolean; location: string; is_a_snapshot: boolean;
  sm_config: StringMap; other_config: StringMap;
  snapshot_of: Ref<'VDI'>;
}
export interface VbdRecord {
  uuid: Uuid; VM: Ref<'VM'>; VDI: Ref<'VDI'>; device: string; userdevice: string; mode: string;
  type: string; bootable: boolean; currently_attached: boolean;
}
export interface VmRecord {
  uuid: Uuid; name_label: string; name_description: string; power_state: string;
  resident_on: Ref<'host'>; is_control_domain: boolean; is_a_template: boolean; is_a_snapshot: boolean;
  VBDs: Ref<'VBD'>[]; guest_metrics: Ref<'VM_guest_metrics'>; domid: number;
  memory_static_max: number; VCPUs_max: number; PV_bootloader: string; HVM_boot_policy: string;
  other_config: StringMap;
  /** Daily operations (power, migration, memory, snapshots): what XAPI allows now and what runs. */
  allowed_operations: string[]; current_operations: StringMap;
  memory_static_min: number; memory_dynamic_min: number; memory_dynamic_max: number; memory_target: number;
  snapshot_of: Ref<'VM'>; snapshots: Ref<'VM'>[]; snapshot_time: Date; snapshot_info: StringMap;
}
export interface VmGuestMetricsRecord {
  uuid: Uuid; PV_drivers_version: StringMap; PV_drivers_up_to_date: boolean; os_version: StringMap;
  networks: StringMap;
}
export interface PifRecord {
  uuid: Uuid; device: string; network: Ref<'network'>; host: Ref<'host'>; MAC: string; IP: string;
  netmask: string; gateway: string; DNS: string; ip_configuration_mode: string; management: boolean;
  VLAN: number; ipv6_configuration_mode: string; IPv6: string[]; currently_attached: boolean;
}
export interface NetworkRecord {
  uuid: Uuid; name_label: string; name_description: string; bridge: string; PIFs: Ref<'PIF'>[];
  other_config: StringMap;
}

/**
 * An alert (XAPI's `message`, orlando on): `cls` is the kind of object it is about (VM, Host, SR, Pool,
 * VMPP; later also VMSS, PVS_proxy, VDI, Certificate), `obj_uuid` that object. `priority`'s scale
 * depends on the release (src/model/messages.ts). Name and body are untrusted text.
 */
export interface MessageRecord {
  uuid: Uuid; name: string; priority: number; cls: string; obj_uuid: string; timestamp: Date; body: string;
}

export interface RecordOf {
  pool: PoolRecord; host: HostRecord; host_metrics: HostMetricsRecord; SR: SrRecord; PBD: PbdRecord;
  VDI: VdiRecord; VBD: VbdRecord; VM: VmRecord; VM_guest_metrics: VmGuestMetricsRecord; PIF: PifRecord;
  network: NetworkRecord; message: MessageRecord;
}
