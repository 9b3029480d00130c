// The classes the simulator serves and a complete default record for each.
//
// Every record of a class is built as `{...blank(cls), ...fields}`, so all records of a class carry
// the same fields in the same order; the generated `get_<field>` methods and `system.listMethods`
// come from these defaults. Field names and types follow xapi's datamodel for API 1.9 (XCP 1.5), a
// subset of it: the fields a client reads, plus the common ones a real record always shows.

import { XDouble, XStruct } from './xmlrpc-wire';

export const CLASSES = ['pool', 'host', 'host_metrics', 'SR', 'PBD', 'VDI', 'VBD', 'VM', 'VM_guest_metrics', 'PIF', 'network', 'task', 'message'] as const;
export type ClassName = (typeof CLASSES)[number];

export const NULL_REF = 'OpaqueRef:NULL';
export const ZERO_DATE = new Date(0);

const CLASS_BY_LOWER = new Map<string, ClassName>(CLASSES.map((c) => [c.toLowerCase(), c]));
/** event.from's lowercase class names ("vm_guest_metrics") back to the API's ("VM_guest_metrics"). */
export function classFromLower(name: string): ClassName | undefined {
  return CLASS_BY_LOWER.get(name.toLowerCase());
}
export function isClassName(name: string): name is ClassName {
  return (CLASSES as readonly string[]).includes(name);
}

/** Classes whose objects have a name_label and thus `get_by_name_label` (for the ones a client asks). */
export const NAME_LABEL_LOOKUP: readonly ClassName[] = ['host', 'SR', 'VDI', 'VM', 'network', 'pool'];

export function blank(cls: ClassName): XStruct {
  switch (cls) {
    case 'pool':
      return {
        uuid: '', name_label: '', name_description: '', master: NULL_REF, default_SR: NULL_REF,
        suspend_image_SR: NULL_REF, crash_dump_SR: NULL_REF, other_config: {}, ha_enabled: false,
        ha_configuration: {}, ha_statefiles: [], ha_host_failures_to_tolerate: 0, ha_plan_exists_for: 0,
        ha_allow_overcommit: false, ha_overcommitted: false, blobs: {}, tags: [], gui_config: {},
        wlb_url: '', wlb_username: '', wlb_enabled: false, wlb_verify_cert: false, redo_log_enabled: false,
        redo_log_vdi: NULL_REF, vswitch_controller: '', restrictions: {}, metadata_VDIs: [],
      };
    case 'host':
      return {
        uuid: '', name_label: '', name_description: '', allowed_operations: [], current_operations: {},
        API_version_major: 1, API_version_minor: 9, API_version_vendor: 'XenSource',
        API_version_vendor_implementation: {}, enabled: true, software_version: {}, other_config: {},
        capabilities: [], cpu_configuration: {}, sched_policy: 'credit', supported_bootloaders: ['pygrub', 'eliloader'],
        resident_VMs: [], logging: {}, PIFs: [], suspend_image_sr: NULL_REF, crash_dump_sr: NULL_REF,
        crashdumps: [], patches: [], PBDs: [], host_CPUs: [], cpu_info: {}, hostname: '', address: '',
        metrics: NULL_REF, license_params: {}, ha_statefiles: [], ha_network_peers: [], blobs: {}, tags: [],
        external_auth_type: '', external_auth_service_name: '', external_auth_configuration: {},
        edition: 'free', license_server: {}, bios_strings: {}, power_on_mode: '', power_on_config: {},
        local_cache_sr: NULL_REF, chipset_info: {}, memory_overhead: 0,
      };
    case 'host_metrics':
      return { uuid: '', memory_total: 0, memory_free: 0, live: true, last_updated: ZERO_DATE, other_config: {} };
    case 'SR':
      return {
        uuid: '', name_label: '', name_description: '', allowed_operations: [], current_operations: {},
        VDIs: [], PBDs: [], virtual_allocation: 0, physical_utilisation: 0, physical_size: 0, type: '',
        content_type: '', shared: false, other_config: {}, tags: [], sm_config: {}, blobs: {},
        local_cache_enabled: false, introduced_by: NULL_REF,
      };
    case 'PBD':
      return { uuid: '', host: NULL_REF, SR: NULL_REF, device_config: {}, currently_attached: true, other_config: {} };
    case 'VDI':
      return {
        uuid: '', name_label: '', name_description: '', allowed_operations: [], current_operations: {},
        SR: NULL_REF, VBDs: [], crash_dumps: [], virtual_size: 0, physical_utilisation: 0, type: 'user',
        sharable: false, read_only: false, other_config: {}, storage_lock: false, location: '', managed: true,
        missing: false, parent: NULL_REF, xenstore_data: {}, sm_config: {}, is_a_snapshot: false,
        snapshot_of: NULL_REF, snapshots: [], snapshot_time: ZERO_DATE, tags: [], allow_caching: false,
        on_boot: 'persist', metadata_of_pool: NULL_REF, metadata_latest: false,
      };
    case 'VBD':
      return {
        uuid: '', allowed_operations: [], current_operations: {}, VM: NULL_REF, VDI: NULL_REF, device: '',
        userdevice: '', bootable: false, mode: 'RW', type: 'Disk', unpluggable: true, storage_lock: false,
        empty: false, other_config: {}, currently_attached: false, status_code: 0, status_detail: '',
        runtime_properties: {}, qos_algorithm_type: '', qos_algorithm_params: {}, qos_supported_algorithms: [],
        metrics: NULL_REF,
      };
    case 'VM':
      return {
        uuid: '', allowed_operations: [], current_operations: {}, power_state: 'Halted', name_label: '',
        name_description: '', user_version: 1, is_a_template: false, suspend_VDI: NULL_REF, resident_on: NULL_REF,
        affinity: NULL_REF, memory_overhead: 0, memory_target: 0, memory_static_max: 0, memory_dynamic_max: 0,
        memory_dynamic_min: 0, memory_static_min: 0, VCPUs_params: {}, VCPUs_max: 1, VCPUs_at_startup: 1,
        actions_after_shutdown: 'destroy', actions_after_reboot: 'restart', actions_after_crash: 'restart',
        consoles: [], VIFs: [], VBDs: [], crash_dumps: [], VTPMs: [], PV_bootloader: '', PV_kernel: '',
        PV_ramdisk: '', PV_args: '', PV_bootloader_args: '', PV_legacy_args: '', HVM_boot_policy: '',
        HVM_boot_params: {}, HVM_shadow_multiplier: 1, platform: {}, PCI_bus: '', other_config: {}, domid: -1,
        domarch: '', last_boot_CPU_flags: {}, is_control_domain: false, metrics: NULL_REF,
        guest_metrics: NULL_REF, last_booted_record: '', recommendations: '', xenstore_data: {},
        ha_always_run: false, ha_restart_priority: '', is_a_snapshot: false, snapshot_of: NULL_REF,
        snapshots: [], snapshot_time: ZERO_DATE, transportable_snapshot_id: '', blobs: {}, tags: [],
        blocked_operations: {}, snapshot_info: {}, snapshot_metadata: '', parent: NULL_REF, children: [],
        bios_strings: {}, protection_policy: NULL_REF, is_snapshot_from_vmpp: false, appliance: NULL_REF,
        start_delay: 0, shutdown_delay: 0, order: 0, VGPUs: [], attached_PCIs: [], suspend_SR: NULL_REF, version: 0,
      };
    case 'VM_guest_metrics':
      return {
        uuid: '', os_version: {}, PV_drivers_version: {}, PV_drivers_up_to_date: false, memory: {}, disks: {},
        networks: {}, other: {}, last_updated: ZERO_DATE, other_config: {}, live: true,
      };
    case 'PIF':
      return {
        uuid: '', device: '', network: NULL_REF, host: NULL_REF, MAC: '', MTU: 1500, VLAN: -1, metrics: NULL_REF,
        physical: true, currently_attached: true, ip_configuration_mode: 'None', IP: '', netmask: '', gateway: '',
        DNS: '', bond_slave_of: NULL_REF, bond_master_of: [], VLAN_master_of: NULL_REF, VLAN_slave_of: [],
        management: false, other_config: {}, disallow_unplug: false, tunnel_access_PIF_of: [],
        tunnel_transport_PIF_of: [], ipv6_configuration_mode: 'None', IPv6: [], ipv6_gateway: '',
        primary_address_type: 'IPv4',
      };
    case 'network':
      return {
        uuid: '', name_label: '', name_description: '', allowed_operations: [], current_operations: {}, VIFs: [],
        PIFs: [], MTU: 1500, other_config: {}, bridge: '', blobs: {}, tags: [], default_locking_mode: 'unlocked',
      };
    case 'task':
      // xapi's creation values (taskHelper.ml make): progress a float, type "<none/>", finished the zero date.
      return {
        uuid: '', name_label: '', name_description: '', allowed_operations: [], current_operations: {},
        created: ZERO_DATE, finished: ZERO_DATE, status: 'pending', resident_on: NULL_REF, progress: new XDouble(0),
        type: '<none/>', result: '', error_info: [], other_config: {}, subtask_of: NULL_REF, subtasks: [],
      };
    case 'message':
      // Not in xapi's database (a file store): no field getters, see messages.ts.
      return { uuid: '', name: '', priority: 0, cls: 'Pool', obj_uuid: '', timestamp: ZERO_DATE, body: '' };
  }
}

const FIELD_CACHE = new Map<ClassName, readonly string[]>();
export function fieldsOf(cls: ClassName): readonly string[] {
  let f = FIELD_CACHE.get(cls);
  if (!f) {
    f = Object.keys(blank(cls));
    FIELD_CACHE.set(cls, f);
  }
  return f;
}
