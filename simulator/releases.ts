// Which XAPI release a simulated pool is: what it reports (brand, version, API version), which wire
// formats and calls it has, and how it answers what it does not have. The seed's four pools are XCP 1.5
// as it is (API 1.9, XML-RPC only); the fifth is a current XCP-ng 8, so both client paths run.
//
// Facts checked in xapi's own source (xapi-project/xen-api, and xen-api-libs for the 2011-12 HTTP
// server), at commits of the XCP 1.5 / XenServer 6.0 "boston" era (master of 2011-12 and 2012-06):
// - No JSON-RPC handler (`/jsonrpc` came with 6.2). Handlers are found by the longest prefix of the
//   path (xen-api-libs http_svr.ml, Radix_tree.longest_prefix): `/jsonrpc` reaches the `/json` handler
//   (XML-RPC in, JSON-encoded values in XML out), any other unknown path `/`. Both parse the body as
//   XML: a JSON body fails with the XML-RPC Fault {faultCode 1, faultString "Failed to parse supplied
//   XML"}, `Content-Type: text/xml`, HTTP 200 (api_server.ml `callback`, the `Xml.Error` case).
// - `session.login_with_password` is (uname, pwd, version) with version defaulted: the generated
//   dispatcher matches `uname::pwd::default_args` (gen_server.ml), so 2, 3, 4 or more parameters are
//   all accepted and the ones after `version` ignored. MESSAGE_PARAMETER_COUNT_MISMATCH for a 4th
//   parameter is XenServer 4.0's (API 1.1, no `version`), not 6.0's.
// - `event.from` is boston's (API 1.9); `event.inject` tampa's (6.1, API 1.10).
// - `PUT /import_raw_vdi` is there (it is in the 2009 import of xapi's history, XenServer 5.5 era):
//   it takes `session_id` and `vdi` (ref or uuid), ignores other parameters (no `format` yet), writes
//   the raw bytes into the attached disk, and redirects (302) to a host that sees the SR. Its HTTP
//   server knows no `Expect: 100-continue` (it never sends "100 Continue"). Its handler also answers
//   `200 OK` before it reads the body (success or failure is then only in the task): not modelled,
//   the simulator answers after the body as later versions do.
// - Unreadable XML-RPC: the same Fault as above.
// The XCP-ng pool models XCP-ng 8.3 (xapi 26.x, API 2.21, per xcp-ng-rpms/xapi's spec).

/** API version (major, minor) of each named XAPI release (xen-api ocaml/idl/datamodel_types.ml). */
const API_OF_RELEASE: Record<string, [number, number]> = {
  rio: [1, 1], // XenServer 4.0
  miami: [1, 2], // XenServer 4.1
  orlando: [1, 3], // XenServer 5.0
  george: [1, 6], // XenServer 5.5
  'midnight-ride': [1, 7], // XenServer 5.6
  cowley: [1, 8], // XenServer 5.6 FP1
  boston: [1, 9], // XenServer 6.0, XCP 1.5
  tampa: [1, 10], // XenServer 6.1, XCP 1.6
  clearwater: [2, 0], // XenServer 6.2
  nile: [2, 21], // XenServer 8, XCP-ng 8.3
};

/**
 * The release in which each method the simulator implements appeared, from xapi's datamodel
 * (doc/data/xenapi.json: a message's lifecycle, or for a generated `get_<field>` its field's).
 * Every implemented method not listed here is rio's (XenServer 4.0, API 1.1). Listed under `rio` too:
 * `host.is_in_emergency_mode` (a hidden message, present in 2011), `system.listMethods` (the XML-RPC
 * server's own) and `pool.get_by_name_label` (not in the datamodel; kept as the simulator had it).
 * Fields removed later (host_metrics.memory_free and VBD.metrics in tampa, VM.is_snapshot_from_vmpp
 * in clearwater, VM_guest_metrics.memory/disks before 1.9) are not modelled: records keep them.
 */
export const METHOD_RELEASES: Readonly<Record<string, readonly string[]>> = {
  miami: [
    'PBD.get_other_config', 'PIF.get_DNS', 'PIF.get_IP', 'PIF.get_VLAN_master_of', 'PIF.get_VLAN_slave_of',
    'PIF.get_bond_master_of', 'PIF.get_bond_slave_of', 'PIF.get_currently_attached', 'PIF.get_gateway',
    'PIF.get_ip_configuration_mode', 'PIF.get_management', 'PIF.get_netmask', 'PIF.get_other_config',
    'PIF.get_physical', 'SR.get_sm_config', 'VBD.get_unpluggable', 'VDI.get_location', 'VDI.get_sm_config',
    'VDI.get_xenstore_data', 'VM.get_HVM_shadow_multiplier', 'VM.get_last_booted_record', 'VM.get_xenstore_data',
    'pool.designate_new_master', 'pool.disable_ha', 'host.evacuate', 'host.assert_can_evacuate', 'session.local_logout', 'session.slave_local_login_with_password',
  ],
  orlando: [
    'PIF.get_disallow_unplug', 'SR.get_blobs', 'SR.get_tags', 'VDI.get_is_a_snapshot', 'VDI.get_snapshot_of',
    'VDI.get_snapshot_time', 'VDI.get_snapshots', 'VDI.get_tags', 'VM.get_blobs', 'VM.get_blocked_operations',
    'VM.get_ha_always_run', 'VM.get_ha_restart_priority', 'VM.get_is_a_snapshot', 'VM.get_snapshot_of',
    'VM.get_snapshot_time', 'VM.get_snapshots', 'VM.get_tags', 'VM.get_transportable_snapshot_id',
    'VM.snapshot', 'VM.snapshot_with_quiesce', 'host.get_vms_which_prevent_evacuation',
    'VM_guest_metrics.get_live', 'VM_guest_metrics.get_other_config', 'host.emergency_ha_disable',
    'host.get_blobs', 'host.get_ha_network_peers', 'host.get_ha_statefiles', 'host.get_tags',
    'host_metrics.get_other_config', 'network.get_blobs', 'network.get_tags', 'pool.get_blobs',
    'pool.get_gui_config', 'pool.get_ha_allow_overcommit', 'pool.get_ha_configuration', 'pool.get_ha_enabled',
    'pool.get_ha_host_failures_to_tolerate', 'pool.get_ha_overcommitted', 'pool.get_ha_plan_exists_for',
    'pool.get_ha_statefiles', 'pool.get_tags',
    'message.create', 'message.destroy', 'message.get', 'message.get_all', 'message.get_all_records',
    'message.get_all_records_where', 'message.get_by_uuid', 'message.get_record', 'message.get_since',
  ],
  george: [
    'host.get_external_auth_configuration', 'host.get_external_auth_service_name', 'host.get_external_auth_type',
    'pool.get_wlb_enabled', 'pool.get_wlb_url', 'pool.get_wlb_username', 'pool.get_wlb_verify_cert',
  ],
  'midnight-ride': [
    'VM.get_bios_strings', 'VM.get_children', 'VM.get_parent', 'VM.get_snapshot_info', 'VM.get_snapshot_metadata',
    'VM.set_VCPUs_at_startup', 'VM.set_VCPUs_max', 'VM.set_memory_limits', 'VM.set_memory_dynamic_range', 'VM.revert',
    'host.get_bios_strings',
    'host.get_cpu_info', 'host.get_edition', 'host.get_license_server', 'host.get_power_on_config',
    'host.get_power_on_mode', 'network.get_MTU', 'pool.get_redo_log_enabled', 'pool.get_redo_log_vdi',
    'pool.get_restrictions', 'pool.get_vswitch_controller',
  ],
  cowley: [
    'PIF.get_tunnel_access_PIF_of', 'PIF.get_tunnel_transport_PIF_of', 'SR.get_local_cache_enabled',
    'VDI.get_allow_caching', 'VDI.get_on_boot', 'VM.get_is_snapshot_from_vmpp', 'VM.get_protection_policy',
    'host.get_local_cache_sr',
  ],
  boston: [
    'SR.get_introduced_by', 'VDI.get_metadata_latest', 'VDI.get_metadata_of_pool', 'VM.get_VGPUs',
    'VM.get_attached_PCIs', 'VM.get_order', 'VM.get_shutdown_delay', 'VM.get_start_delay', 'VM.get_suspend_SR',
    'VM.get_version', 'event.from', 'host.get_chipset_info', 'pool.get_metadata_VDIs',
  ],
  tampa: [
    'PIF.get_IPv6', 'PIF.get_ipv6_configuration_mode', 'PIF.get_ipv6_gateway', 'PIF.get_primary_address_type',
    'event.inject', 'network.get_default_locking_mode',
  ],
};

const RELEASE_OF_METHOD = new Map<string, string>(
  Object.entries(METHOD_RELEASES).flatMap(([release, methods]) => methods.map((m) => [m, release] as [string, string])),
);

/** The release a method appeared in ("rio" for the ones not listed); `Async.X` is X's. */
export function releaseOfMethod(method: string): string {
  const sync = method.startsWith('Async.') ? method.slice('Async.'.length) : method;
  return RELEASE_OF_METHOD.get(sync) ?? 'rio';
}

function atOrBefore(release: string, api: [number, number]): boolean {
  const r = API_OF_RELEASE[release];
  if (!r) throw new Error(`unknown release ${release}`);
  return r[0] < api[0] || (r[0] === api[0] && r[1] <= api[1]);
}

export type ReleaseName = 'xcp-1.5' | 'xcp-ng-8';

export interface ReleaseProfile {
  readonly name: ReleaseName;
  /** What host.software_version says, e.g. "XCP 1.4.90". */
  readonly brand: string;
  readonly productVersion: string;
  readonly apiVersion: { major: number; minor: number; vendor: string };
  /** host.software_version of a host with this name. */
  softwareVersion(hostname: string): Record<string, string>;
  /** A JSON-RPC handler at /jsonrpc (XenServer 6.2 and later). */
  readonly jsonRpc: boolean;
  /** What an XML-RPC body that does not parse (a JSON body on a 1.x /jsonrpc too) gets back. */
  readonly unreadableXml: 'fault' | 'failure';
  /** session.login_with_password's accepted parameter counts. */
  readonly loginArity: [number, number];
  /**
   * import_raw_vdi: whether "100 Continue" is sent, `format` understood (else ignored), and whether the
   * "200 OK" (no length, Connection: close) is written before the body is read, the end of the import
   * being the end of the connection (xapi 1.x), or after it (with the byte count).
   */
  readonly importRawVdi: { sendsContinue: boolean; knowsFormat: boolean; answersBeforeBody: boolean };
  /** The method exists in this release (else MESSAGE_METHOD_UNKNOWN, and system.listMethods omits it). */
  has(method: string): boolean;
  /** Record fields this release does not have yet (their getters came later): left out of its records. */
  readonly missingFields: ReadonlyMap<string, readonly string[]>;
}

function makeProfile(p: Omit<ReleaseProfile, 'has' | 'missingFields'>): ReleaseProfile {
  const api: [number, number] = [p.apiVersion.major, p.apiVersion.minor];
  const missing = new Map<string, string[]>();
  for (const [release, methods] of Object.entries(METHOD_RELEASES)) {
    if (atOrBefore(release, api)) continue;
    for (const m of methods) {
      const [cls, name] = m.split('.', 2);
      if (!name.startsWith('get_')) continue;
      missing.set(cls, [...(missing.get(cls) ?? []), name.slice(4)]);
    }
  }
  return { ...p, has: (method) => atOrBefore(releaseOfMethod(method), api), missingFields: missing };
}

export const XCP_1_5: ReleaseProfile = makeProfile({
  name: 'xcp-1.5',
  brand: 'XCP',
  productVersion: '1.4.90',
  apiVersion: { major: 1, minor: 9, vendor: 'XenSource' },
  softwareVersion: (hostname) => ({
    product_version: '1.4.90', product_brand: 'XCP', build_number: '53341c', hostname,
    date: '2012-03-28', linux: '2.6.32.12-0.7.1.xs1.4.90.530.170661xen', xapi: '1.3', xen: '4.1.2',
    xencenter_min: '1.9', xencenter_max: '1.9', network_backend: 'openvswitch',
    'xs:main': 'Base Pack, version 1.4.90, build 53341c',
  }),
  jsonRpc: false,
  unreadableXml: 'fault',
  loginArity: [2, Number.MAX_SAFE_INTEGER],
  importRawVdi: { sendsContinue: false, knowsFormat: false, answersBeforeBody: true },
});

export const XCP_NG_8: ReleaseProfile = makeProfile({
  name: 'xcp-ng-8',
  brand: 'XCP-ng',
  productVersion: '8.3.0',
  apiVersion: { major: 2, minor: 21, vendor: 'XenSource' },
  softwareVersion: (hostname) => ({
    product_version: '8.3.0', product_version_text: '8.3', product_version_text_short: '8.3',
    platform_name: 'XCP', platform_version: '3.4.0', product_brand: 'XCP-ng', build_number: 'release/yangtze/master/58',
    hostname, date: '2025-10-14', xapi: '26.4', xapi_build: '26.4.0', xen: '4.17.5-15', linux: '4.19.0+1',
    xencenter_min: '2.21', xencenter_max: '2.21', network_backend: 'openvswitch', db_schema: '5.786',
  }),
  jsonRpc: true,
  unreadableXml: 'failure',
  loginArity: [2, 4],
  importRawVdi: { sendsContinue: true, knowsFormat: true, answersBeforeBody: false },
});

export const RELEASES: Readonly<Record<ReleaseName, ReleaseProfile>> = { 'xcp-1.5': XCP_1_5, 'xcp-ng-8': XCP_NG_8 };

export function isReleaseName(name: string): name is ReleaseName {
  return Object.prototype.hasOwnProperty.call(RELEASES, name);
}
