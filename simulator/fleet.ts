// The fleet of the seed runbook (four XCP 1.5 pools at a grid server park), plus a small current
// XCP-ng 8 pool ("Lab") so that both wire formats and both API generations run; generated from a seed
// so that every run with the same --seed shows the same uuids, names and sizes.
//
// Addresses: the runbook's own networks (172.21/16, 172.22.64/18) are real private ranges that must
// never be contacted, so every simulated host lives on its own loopback address 127.N.P.H instead.
// Storage targets (NFS server, iSCSI portal) are labels only, from 10.99.0.0/24; nothing connects there.

import { initAllowedOperations } from './vmOperations';
import { RELEASES, XCP_1_5, XCP_NG_8, type ReleaseName, type ReleaseProfile } from './releases';
import { NULL_REF } from './schema';
import { PoolState, SimState, XObject } from './state';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const TiB = 1024 ** 4;

/** mulberry32: small, fast and good enough for test data. */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function uuidFrom(rng: () => number): string {
  const hex: string[] = [];
  for (let i = 0; i < 32; i++) hex.push(Math.floor(rng() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(rng() * 4)];
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

interface Hardware {
  model: string; // bios product name
  cores: number;
  threads: number;
  sockets: number;
  memGiB: number;
  cpuModel: string;
  speed: string;
  localDiskBytes: number; // usable local SR size after RAID
}

const M610_12: Hardware = {
  model: 'PowerEdge M610', cores: 12, threads: 24, sockets: 2, memGiB: 96,
  cpuModel: 'Intel(R) Xeon(R) CPU           X5650  @ 2.67GHz', speed: '2666.760', localDiskBytes: 552 * GiB,
};
const M610_8: Hardware = {
  model: 'PowerEdge M610', cores: 8, threads: 16, sockets: 2, memGiB: 32,
  cpuModel: 'Intel(R) Xeon(R) CPU           E5620  @ 2.40GHz', speed: '2400.084', localDiskBytes: 272 * GiB,
};
const PE2950: Hardware = {
  model: 'PowerEdge 2950', cores: 8, threads: 8, sockets: 2, memGiB: 24,
  cpuModel: 'Intel(R) Xeon(R) CPU           E5430  @ 2.66GHz', speed: '2666.404', localDiskBytes: 1390 * GiB,
};
const R650: Hardware = {
  model: 'PowerEdge R650', cores: 32, threads: 64, sockets: 2, memGiB: 256,
  cpuModel: 'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz', speed: '1995.312', localDiskBytes: 837 * GiB,
};

/** What the hosts and guests of a pool of one era say about themselves, apart from the release's versions. */
interface Era {
  hostDescription: string;
  /** When its hosts started (records' dates): the runbook's spring 2012, or a recent install. */
  baseTime: number;
  linux: { description: string; os: Record<string, string> };
  windows: { description: string; os: Record<string, string> };
  /** Guest tools of a guest, `patched`: the seed's 6.0.99 edit (XCP 1.5) or simply current ones. */
  tools(patched: boolean): { version: Record<string, string>; upToDate: boolean };
}

/** A fixed clock, so the same seed gives the same records; roughly when XCP 1.5 beta was current. */
const BASE_TIME = Date.UTC(2012, 3, 2, 9, 0, 0);

const XCP_1_5_ERA: Era = {
  hostDescription: 'Default install of XCP',
  baseTime: BASE_TIME,
  linux: { description: 'Scientific Linux 5', os: { name: 'Scientific Linux SL release 5.7 (Boron)', uname: '2.6.18-274.el5xen', distro: 'slc', major: '5', minor: '7' } },
  windows: { description: 'Windows Server 2008 R2', os: { name: 'Microsoft Windows Server 2008 R2 Standard|C:\\Windows|\\Device\\Harddisk0\\Partition2', distro: 'windows', major: '6', minor: '1' } },
  tools: (patched) => ({
    version: patched ? { major: '6', minor: '0', micro: '99', build: '53341' } : { major: '1', minor: '4', micro: '90', build: '53341' },
    upToDate: patched,
  }),
};
const XCP_NG_8_ERA: Era = {
  hostDescription: 'Default install',
  baseTime: Date.UTC(2025, 10, 3, 8, 0, 0),
  linux: { description: 'Debian 12', os: { name: 'Debian GNU/Linux 12 (bookworm)', uname: '6.1.0-26-amd64', distro: 'debian', major: '12', minor: '7' } },
  windows: { description: 'Windows Server 2022', os: { name: 'Microsoft Windows Server 2022 Standard|C:\\Windows|\\Device\\Harddisk0\\Partition2', distro: 'windows', major: '10', minor: '0' } },
  tools: () => ({ version: { major: '8', minor: '4', micro: '0', build: '1' }, upToDate: true }),
};

type SharedSrKind = 'fc' | 'iscsi' | 'nfs';
interface PoolSpec {
  name: string;
  prefix: string; // <hostPrefix>-<prefix>-NN
  hostPrefix: string;
  release: ReleaseProfile;
  era: Era;
  hosts: number;
  master: number; // 1-based host index
  hw: Hardware;
  shared: { kind: SharedSrKind; name: string; size: number }[];
  vms: number;
  vdis: number;
}

export interface Scale {
  hosts?: number;
  vdis?: number;
  vms?: number;
}

function specs(scale: Scale | undefined): PoolSpec[] {
  return [
    {
      name: 'Piet', prefix: 'piet', hostPrefix: 'vms', release: XCP_1_5, era: XCP_1_5_ERA, hosts: scale?.hosts ?? 16, master: 1, hw: M610_12,
      shared: [
        { kind: 'fc', name: 'Compellent FC piet-1', size: 4 * TiB },
        { kind: 'fc', name: 'Compellent FC piet-2', size: 2 * TiB },
        { kind: 'nfs', name: 'NFS images', size: 1 * TiB },
      ],
      vms: scale?.vms ?? 96, vdis: scale?.vdis ?? 160,
    },
    {
      name: 'Generic', prefix: 'gen', hostPrefix: 'vms', release: XCP_1_5, era: XCP_1_5_ERA, hosts: 8, master: 5, hw: PE2950,
      shared: [{ kind: 'iscsi', name: 'Compellent iSCSI Sint', size: 2 * TiB }],
      vms: 32, vdis: 56,
    },
    {
      name: 'BL0', prefix: 'bl0', hostPrefix: 'vms', release: XCP_1_5, era: XCP_1_5_ERA, hosts: 5, master: 1, hw: M610_8,
      shared: [{ kind: 'fc', name: 'Compellent FC bl0', size: 2 * TiB }],
      vms: 18, vdis: 30,
    },
    {
      name: 'Security', prefix: 'sec', hostPrefix: 'vms', release: XCP_1_5, era: XCP_1_5_ERA, hosts: 2, master: 1, hw: PE2950,
      shared: [{ kind: 'nfs', name: 'NFS security', size: 512 * GiB }],
      vms: 6, vdis: 10,
    },
  ];
}

/** The fifth pool: a current XCP-ng 8 (JSON-RPC, API 2.21), small, hosts on 127.N.5.x. */
const LAB: PoolSpec = {
  name: 'Lab', prefix: 'lab', hostPrefix: 'xcpng', release: XCP_NG_8, era: XCP_NG_8_ERA, hosts: 3, master: 1, hw: R650,
  shared: [{ kind: 'nfs', name: 'NFS lab', size: 2 * TiB }],
  vms: 8, vdis: 14,
};
/** Its own random sequence, so the seed pools' uuids, names and later uuids do not move. */
const LAB_SEED_OFFSET = 0x1ab5eed;

export interface FleetOptions {
  seed?: number;
  net?: number;
  scale?: Scale;
  /** A pool (by name) that runs another release than its own, e.g. `{ Piet: 'xcp-ng-8' }`; see index.ts. */
  releases?: Readonly<Record<string, ReleaseName>>;
}

const SERVICES = [
  'www', 'ldap', 'dns', 'mail', 'nagios', 'cvmfs', 'squid', 'voms', 'argus', 'bdii', 'cream', 'torque',
  'wms', 'lfc', 'srm', 'proxy', 'puppet', 'ganglia', 'syslog', 'ntp', 'wiki', 'svn', 'jenkins', 'db',
];
const SPARE_VDI_NAMES = [
  'My Raw LVM VDI', 'rooier.img import', 'keerder root copy', 'backup-2012-03', 'scratch', 'salado data',
  'old www root', 'test disk', 'ISO store', 'migration staging',
];
const VIRTUAL_SIZES_GIB = [4, 8, 10, 16, 20, 32, 40, 50, 64, 100, 200, 500];

function pick<T>(rng: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rng() * xs.length)];
}
function roundUp(n: number, unit: number): number {
  return Math.ceil(n / unit) * unit;
}
function two(n: number): string {
  return String(n).padStart(2, '0');
}
function mac(rng: () => number): string {
  const b = ['00', '26', 'b9'];
  for (let i = 0; i < 3; i++) b.push(Math.floor(rng() * 256).toString(16).padStart(2, '0'));
  return b.join(':');
}
function hexDigits(rng: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rng() * 16).toString(16);
  return s;
}

export function buildFleet(opts: FleetOptions = {}): SimState {
  const seed = opts.seed ?? 1;
  const net = opts.net ?? 77;
  const rng = makeRng(seed);
  const withRelease = (spec: PoolSpec): PoolSpec => {
    const name = opts.releases?.[spec.name];
    return name ? { ...spec, release: RELEASES[name] } : spec;
  };
  for (const name of Object.keys(opts.releases ?? {})) {
    if (![...specs(undefined), LAB].some((s) => s.name === name)) throw new Error(`no pool ${name} to give another release`);
  }
  const pools = specs(opts.scale).map((spec, i) => buildPool(withRelease(spec), i + 1, net, rng));
  pools.push(buildPool(withRelease(LAB), pools.length + 1, net, makeRng((seed + LAB_SEED_OFFSET) >>> 0)));
  return new SimState(pools);
}

function buildPool(spec: PoolSpec, poolIndex: number, net: number, rng: () => number): PoolState {
  if (spec.hosts < 1 || spec.hosts > 250) throw new Error(`pool ${spec.name}: host count must be 1..250`);
  const password = `${spec.prefix}-${hexDigits(rng, 8)}`;
  const pool = new PoolState(poolIndex, spec.name, 'root', password, () => uuidFrom(rng), spec.release);
  const era = spec.era;
  const gib = (n: number) => n * GiB;
  const at = (minutes: number) => new Date(era.baseTime + minutes * 60_000);

  // Networks first: PIFs and hosts point at them.
  // With iSCSI storage, eth1 carries it on its own range (the seed's separate storage network).
  const iscsi = spec.shared.some((x) => x.kind === 'iscsi');
  const networks = [0, 1].map((n) =>
    pool.create('network', {
      name_label: n === 1 && iscsi ? 'iSCSI storage' : `Pool-wide network associated with eth${n}`,
      bridge: `xenbr${n}`,
      other_config: {},
    }),
  );

  const hosts: XObject[] = [];
  for (let h = 1; h <= spec.hosts; h++) {
    const name = `${spec.hostPrefix}-${spec.prefix}-${two(h)}`;
    const address = `127.${net}.${poolIndex}.${h}`;
    const metrics = pool.create('host_metrics', {
      memory_total: gib(spec.hw.memGiB),
      memory_free: gib(spec.hw.memGiB),
      live: true,
      last_updated: at(h),
    });
    const host = pool.create('host', {
      name_label: name,
      name_description: era.hostDescription,
      hostname: name,
      address,
      metrics: metrics.ref,
      API_version_major: spec.release.apiVersion.major,
      API_version_minor: spec.release.apiVersion.minor,
      API_version_vendor: spec.release.apiVersion.vendor,
      software_version: spec.release.softwareVersion(name),
      cpu_info: {
        cpu_count: String(spec.hw.threads), socket_count: String(spec.hw.sockets), vendor: 'GenuineIntel',
        speed: spec.hw.speed, modelname: spec.hw.cpuModel, family: '6', model: '44', stepping: '2',
        flags: 'fpu de tsc msr pae mce cx8 apic sep mtrr mca cmov pat clflush acpi mmx fxsr sse sse2 ss ht syscall nx lm constant_tsc rep_good nonstop_tsc aperfmperf pni pclmulqdq vmx est ssse3 cx16 sse4_1 sse4_2 popcnt aes hypervisor',
        features: '029ee3ff-bfebfbff-00000001-2c100800', features_after_reboot: '029ee3ff-bfebfbff-00000001-2c100800',
      },
      bios_strings: { 'bios-vendor': 'Dell Inc.', 'system-manufacturer': 'Dell Inc.', 'system-product-name': spec.hw.model },
      other_config: { agent_start_time: String(era.baseTime / 1000 + h * 60) + '.', iscsi_iqn: `iqn.2012-04.org.example:${hexDigits(rng, 8)}` },
      capabilities: ['xen-3.0-x86_64', 'xen-3.0-x86_32p', 'hvm-3.0-x86_32', 'hvm-3.0-x86_32p', 'hvm-3.0-x86_64'],
      memory_overhead: 1124 * MiB,
    });
    hosts.push(host);

    // PIFs: eth0 carries management (the host's simulated address); eth1 carries iSCSI where the pool has
    // it (10.99.0.x, a label: nothing connects there), else it is unconfigured.
    for (let n = 0; n < 2; n++) {
      const storage = n === 1 && iscsi;
      const pif = pool.create('PIF', {
        device: `eth${n}`,
        network: networks[n].ref,
        host: host.ref,
        MAC: mac(rng),
        management: n === 0,
        ip_configuration_mode: n === 0 || storage ? 'Static' : 'None',
        IP: n === 0 ? address : storage ? `10.99.0.${100 + h}` : '',
        netmask: n === 0 || storage ? '255.255.255.0' : '',
        gateway: n === 0 ? `127.${net}.${poolIndex}.254` : '',
        DNS: n === 0 ? `127.${net}.${poolIndex}.253` : '',
        ipv6_configuration_mode: n === 0 ? 'Static' : 'None',
        IPv6: n === 0 ? [`2001:db8:${net}:${poolIndex}::${h.toString(16)}/64`] : [],
        ipv6_gateway: n === 0 ? `2001:db8:${net}:${poolIndex}::1` : '',
      });
      pool.addToSet(host, 'PIFs', pif.ref);
      pool.addToSet(networks[n], 'PIFs', pif.ref);
    }

    // The control domain: every host has one, resident and running.
    const dom0 = pool.create('VM', {
      name_label: `Control domain on host: ${name}`,
      name_description: 'The domain which manages physical devices and manages other domains',
      power_state: 'Running', is_control_domain: true, resident_on: host.ref, affinity: host.ref, domid: 0,
      memory_static_max: 752 * MiB, memory_dynamic_max: 752 * MiB, memory_dynamic_min: 752 * MiB,
      memory_static_min: 752 * MiB, memory_target: 752 * MiB,
      VCPUs_max: spec.hw.threads, VCPUs_at_startup: spec.hw.threads,
    });
    pool.addToSet(host, 'resident_VMs', dom0.ref);
  }
  const master = hosts[spec.master - 1];

  // Storage: shared SRs with one PBD per host, then each host's local LVM SR.
  const sharedSrs: XObject[] = [];
  for (const s of spec.shared) {
    const scsiId = `36000d31000${hexDigits(rng, 4)}000000000000000${hexDigits(rng, 4)}`.slice(0, 33);
    const sr = pool.create('SR', {
      name_label: s.name,
      name_description: s.kind === 'nfs' ? `NFS SR [10.99.0.20:/export/${spec.prefix}]` : s.kind === 'fc' ? 'Hardware HBA SR [COMPELNT - Compellent Vol]' : 'iSCSI SR [10.99.0.34 (iqn.2002-03.com.compellent:5000d31000sint; LUN 1)]',
      type: s.kind === 'fc' ? 'lvmohba' : s.kind === 'iscsi' ? 'lvmoiscsi' : 'nfs',
      content_type: '',
      shared: true,
      physical_size: s.size,
      sm_config: s.kind === 'nfs' ? {} : { allocation: 'thick', use_vhd: 'true', devserial: `scsi-${scsiId}`, multipathable: 'true' },
      other_config: {},
    });
    const deviceConfig: Record<string, string> =
      s.kind === 'fc' ? { SCSIid: scsiId }
      : s.kind === 'iscsi' ? { target: '10.99.0.34', port: '3260', targetIQN: 'iqn.2002-03.com.compellent:5000d31000sint', SCSIid: scsiId, multihomelist: '10.99.0.34:3260,10.99.0.35:3260' }
      : { server: '10.99.0.20', serverpath: `/export/${spec.prefix}` };
    for (const host of hosts) {
      const pbd = pool.create('PBD', { host: host.ref, SR: sr.ref, device_config: deviceConfig, currently_attached: true });
      pool.addToSet(sr, 'PBDs', pbd.ref);
      pool.addToSet(host, 'PBDs', pbd.ref);
    }
    sharedSrs.push(sr);
  }
  const localSrs: XObject[] = [];
  for (const host of hosts) {
    const sr = pool.create('SR', {
      name_label: 'Local storage',
      type: 'lvm',
      content_type: 'user',
      shared: false,
      physical_size: spec.hw.localDiskBytes,
      sm_config: { allocation: 'thick', use_vhd: 'true', devserial: `scsi-36${hexDigits(rng, 31)}` },
      other_config: { 'i18n-key': 'local-storage', 'i18n-original-value-name_label': 'Local storage' },
    });
    const pbd = pool.create('PBD', { host: host.ref, SR: sr.ref, device_config: { device: '/dev/sda3' }, currently_attached: true });
    pool.addToSet(sr, 'PBDs', pbd.ref);
    pool.addToSet(host, 'PBDs', pbd.ref);
    localSrs.push(sr);
  }
  pool.create('pool', {
    name_label: spec.name,
    name_description: `${spec.name} cluster`,
    master: master.ref,
    default_SR: sharedSrs[0]?.ref ?? localSrs[0].ref,
    suspend_image_SR: sharedSrs[0]?.ref ?? NULL_REF,
    crash_dump_SR: sharedSrs[0]?.ref ?? NULL_REF,
    other_config: { 'cpuid_feature_mask': 'ffffff7f-ffffffff-ffffffff-ffffffff', memory_ratio_hvm: '0.25', memory_ratio_pv: '0.25' },
  });

  // The template every XCP pool ships for an OS it has no template for (the runbook's "Other").
  pool.create('VM', {
    name_label: 'Other install media',
    name_description: 'For an operating system without a template of its own: install from media, or attach a disk you bring.',
    is_a_template: true,
    HVM_boot_policy: 'BIOS order',
    HVM_boot_params: { order: 'cdn' },
    memory_static_max: 256 * MiB, memory_dynamic_max: 256 * MiB, memory_dynamic_min: 256 * MiB, memory_static_min: 128 * MiB,
    platform: { nx: 'false', acpi: 'true', apic: 'true', pae: 'true', viridian: 'true' },
    other_config: { disks: '<provision><disk device="0" size="8589934592" sr="" bootable="true" type="system"/></provision>', 'install-methods': 'cdrom', default_template: 'true' },
  });

  /** The first host from `from` on (wrapping) whose memory holds `mem` more, or undefined. */
  const hostWithRoom = (list: readonly XObject[], from: number, mem: number, used: ReadonlyMap<string, number>): XObject | undefined => {
    for (let k = 0; k < list.length; k++) {
      const h = list[(from + k) % list.length];
      const total = pool.getOf('host_metrics', h.record.metrics as string)!.record.memory_total as number;
      if ((used.get(h.ref) ?? 0) + (h.record.memory_overhead as number) + mem <= total) return h;
    }
    return undefined;
  };

  // VMs spread over the hosts (most running), each with a disk or two.
  const serviceCounters = new Map<string, number>();
  const vmDisks: { vm: XObject; host: XObject | undefined; running: boolean }[] = [];
  const hostMemUsed = new Map<string, number>(hosts.map((h) => [h.ref, 752 * MiB]));
  for (let i = 0; i < spec.vms; i++) {
    const svc = pick(rng, SERVICES);
    const nr = (serviceCounters.get(svc) ?? 0) + 1;
    serviceCounters.set(svc, nr);
    const windows = rng() < 0.1;
    const wantsToRun = rng() < 0.85;
    const drawn = wantsToRun ? Math.floor(rng() * hosts.length) : -1;
    const mem = pick(rng, [1, 2, 2, 4, 4, 8]) * GiB;
    // A running VM needs room on its host, as xapi refuses to overcommit: the drawn host, else the next
    // one with room; with none left (a pool scaled to thousands of VMs) it is halted. The draws above stay
    // the same, so a fleet that fits is the fleet it always was.
    const host = wantsToRun ? hostWithRoom(hosts, drawn, mem, hostMemUsed) : undefined;
    const running = host !== undefined;
    const vcpus = pick(rng, [1, 2, 2, 4]);
    let gm = NULL_REF;
    if (running || rng() < 0.5) {
      const patched = rng() < 0.5; // the seed's "XenTools 6.0.99" edit, done on some guests only
      const tools = era.tools(patched);
      const g = pool.create('VM_guest_metrics', {
        os_version: windows ? era.windows.os : era.linux.os,
        PV_drivers_version: tools.version,
        PV_drivers_up_to_date: tools.upToDate,
        // Guests live on loopback too (127.<net+11>.P.n): a test may SSH into a Linux guest (H3).
        networks: { '0/ip': `127.${net + 11}.${poolIndex}.${(i % 250) + 1}` },
        last_updated: at(100 + i),
      });
      gm = g.ref;
    }
    const vm = pool.create('VM', {
      name_label: `${svc}-${two(nr)}`,
      name_description: windows ? era.windows.description : era.linux.description,
      power_state: running ? 'Running' : 'Halted',
      resident_on: host ? host.ref : NULL_REF,
      domid: running ? i + 1 : -1,
      memory_static_max: mem, memory_dynamic_max: mem, memory_dynamic_min: mem, memory_target: running ? mem : 0,
      memory_static_min: Math.min(mem, 512 * MiB),
      VCPUs_max: vcpus, VCPUs_at_startup: vcpus,
      PV_bootloader: windows ? '' : 'pygrub',
      HVM_boot_policy: windows ? 'BIOS order' : '',
      HVM_boot_params: windows ? { order: 'dc' } : {},
      platform: windows ? { acpi: 'true', apic: 'true', pae: 'true', viridian: 'true', nx: 'true' } : {},
      guest_metrics: gm,
      other_config: { install_time: `${new Date(era.baseTime).getUTCFullYear()}-0${1 + (i % 3)}-1${i % 10}T10:00:00Z` },
    });
    if (host) {
      pool.addToSet(host, 'resident_VMs', vm.ref);
      hostMemUsed.set(host.ref, (hostMemUsed.get(host.ref) ?? 0) + mem);
    }
    vmDisks.push({ vm, host, running });
  }
  for (const h of hosts) {
    const metrics = pool.getOf('host_metrics', h.record.metrics as string)!;
    const total = metrics.record.memory_total as number;
    pool.update(metrics, { memory_free: Math.max(0, total - (h.record.memory_overhead as number) - (hostMemUsed.get(h.ref) ?? 0)) });
  }

  // VDIs: the first ones are the VMs' disks (root, then data for some), the rest stand alone.
  const srUse = new Map<string, { phys: number; virt: number }>();
  const makeVdi = (sr: XObject, name: string, virtualSize: number, raw: boolean, description = ''): XObject => {
    const file = sr.record.type === 'nfs';
    const physical = raw ? roundUp(virtualSize, 4 * MiB)
      : file ? roundUp(Math.floor(virtualSize * (0.05 + rng() * 0.9)), 2 * MiB)
      : roundUp(virtualSize + Math.ceil(virtualSize / (2 * MiB)) * 4 + 512 * 1024, 4 * MiB); // thick VHD: data + BAT/bitmaps
    const uuid = pool.newUuid();
    const vdi = pool.create('VDI', {
      name_label: name,
      name_description: description,
      SR: sr.ref,
      virtual_size: virtualSize,
      physical_utilisation: physical,
      location: uuid,
      sm_config: raw ? { type: 'raw', vdi_type: 'aio' } : { vdi_type: 'vhd' },
      other_config: {},
    }, { uuid });
    const u = srUse.get(sr.ref) ?? { phys: 0, virt: 0 };
    u.phys += physical;
    u.virt += virtualSize;
    srUse.set(sr.ref, u);
    return vdi;
  };

  // A disk goes where it fits: a local SR is the host's own disk and cannot grow, so a disk that would
  // overfill it goes to shared storage instead. Shared SRs are sized to what they hold at the end.
  const fits = (sr: XObject, virtualSize: number): boolean =>
    (srUse.get(sr.ref)?.phys ?? 0) + virtualSize + Math.ceil(virtualSize / (2 * MiB)) * 4 + 8 * MiB <= 0.9 * (sr.record.physical_size as number);
  const roomiest = (): XObject | undefined => [...sharedSrs].sort((a, b) => ((b.record.physical_size as number) - (srUse.get(b.ref)?.phys ?? 0)) - ((a.record.physical_size as number) - (srUse.get(a.ref)?.phys ?? 0)))[0];
  const placed = (sr: XObject, virtualSize: number): XObject => (sr.record.shared || fits(sr, virtualSize) ? sr : roomiest() ?? sr);
  const pendingVbds: { vm: XObject; vdi: XObject; n: number; running: boolean }[] = [];
  let made = 0;
  for (const d of vmDisks) {
    for (let n = 0; n < 2 && made < spec.vdis; n++) {
      if (n === 1 && rng() < 0.6) break;
      // Mostly shared storage; a few VMs keep a disk on their host's local SR.
      const local = d.host && rng() < 0.15;
      const sr = local ? localSrs[hosts.indexOf(d.host!)] : sharedSrs.length ? pick(rng, sharedSrs) : localSrs[0];
      const raw = rng() < 0.25;
      const size = n === 0 ? pick(rng, [8, 10, 16, 20]) * GiB : pick(rng, VIRTUAL_SIZES_GIB) * GiB;
      const vdi = makeVdi(placed(sr, size), `${d.vm.record.name_label as string} ${n === 0 ? 'root' : 'data'}`, size, raw, n === 0 ? 'Created by template provisioner' : '');
      pendingVbds.push({ vm: d.vm, vdi, n, running: d.running });
      made++;
    }
  }
  for (let i = 0; made < spec.vdis; i++, made++) {
    const all = [...sharedSrs, ...localSrs];
    const sr = i === 0 && sharedSrs.length ? sharedSrs[0] : pick(rng, all);
    const base = SPARE_VDI_NAMES[i % SPARE_VDI_NAMES.length];
    const name = i < SPARE_VDI_NAMES.length ? base : `${base} ${Math.floor(i / SPARE_VDI_NAMES.length) + 1}`;
    const raw = i === 0 || rng() < 0.3; // the runbook's "My Raw LVM VDI" is raw
    const size = pick(rng, VIRTUAL_SIZES_GIB) * GiB;
    makeVdi(placed(sr, size), name, size, raw);
  }
  for (const p of pendingVbds) {
    const vbd = pool.create('VBD', {
      VM: p.vm.ref, VDI: p.vdi.ref, device: p.n === 0 ? 'xvda' : 'xvdb', userdevice: String(p.n),
      bootable: p.n === 0, mode: 'RW', type: 'Disk', currently_attached: p.running,
    });
    pool.addToSet(p.vm, 'VBDs', vbd.ref);
    pool.addToSet(p.vdi, 'VBDs', vbd.ref);
  }
  // SR.VDIs and usage in one update per SR rather than one per VDI.
  const bySr = new Map<string, string[]>();
  for (const v of pool.all('VDI')) {
    const list = bySr.get(v.record.SR as string) ?? [];
    list.push(v.ref);
    bySr.set(v.record.SR as string, list);
  }
  for (const sr of [...sharedSrs, ...localSrs]) {
    const u = srUse.get(sr.ref) ?? { phys: 0, virt: 0 };
    // A shared SR holds what was put on it: at a large scale its LUN or export is larger (whole TiB,
    // a quarter free), so used never exceeds size.
    const need = Math.ceil((u.phys * 1.25) / TiB) * TiB;
    if (sr.record.shared && need > (sr.record.physical_size as number)) pool.update(sr, { physical_size: need });
    pool.update(sr, {
      VDIs: bySr.get(sr.ref) ?? [],
      physical_utilisation: u.phys + (sr.record.type === 'nfs' ? 0 : 4 * MiB), // + the MGT volume
      virtual_allocation: u.virt,
    });
  }
  // Building is not a change anyone watched: start the event log empty, as a freshly started xapi's.
  // xapi keeps allowed_operations current; here they are computed once the VMs and their disks exist.
  initAllowedOperations(pool);
  pool.settle();
  return pool;
}

/** What a client needs to reach the fleet; printed by main.ts and returned by startSimulator. */
export interface FleetDescription {
  pools: {
    name: string;
    url: string;
    username: string;
    password: string;
    master: string;
    /** The XAPI release the pool runs (releases.ts): what it reports and whether it has JSON-RPC. */
    release: { name: ReleaseName; brand: string; version: string; api: string; jsonRpc: boolean };
    hosts: { name: string; uuid: string; address: string; ssh?: { port: number; hostKeySha256: string } }[];
    /** Running Linux guests reachable over SSH (root, the pool's password), with a dom0. */
    guests?: { name: string; uuid: string; address: string; ssh: { port: number; hostKeySha256: string } }[];
  }[];
  control: string;
  /** The simulated dom0s: SSH as root with the pool's password, on each host's address. */
  dom0?: { port: number; username: string };
  tls?: { fingerprint256: string };
}

function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

export function describeFleet(
  state: SimState,
  port: number,
  tls: { fingerprint256: string } | undefined,
  dom0?: { port: number; username: string; hosts: { uuid: string; hostKeySha256: string }[]; guests: { name: string; uuid: string; address: string; hostKeySha256: string }[] },
): FleetDescription {
  const scheme = tls ? 'https' : 'http';
  const pools = state.pools.map((pool) => {
    const master = pool.getOf('host', pool.masterRef())!;
    const hosts = [...pool.all('host')]
      .map((h) => {
        const ssh = dom0?.hosts.find((d) => d.uuid === h.uuid);
        return {
          name: h.record.name_label as string, uuid: h.uuid, address: h.record.address as string,
          ...(ssh && dom0 ? { ssh: { port: dom0.port, hostKeySha256: ssh.hostKeySha256 } } : {}),
        };
      })
      .sort((a, b) => naturalCompare(a.name, b.name));
    return {
      name: pool.name,
      url: `${scheme}://${master.record.address as string}:${port}/`,
      username: pool.username,
      password: pool.password,
      master: master.record.name_label as string,
      release: {
        name: pool.release.name, brand: pool.release.brand, version: pool.release.productVersion,
        api: `${pool.release.apiVersion.major}.${pool.release.apiVersion.minor}`, jsonRpc: pool.release.jsonRpc,
      },
      hosts,
      ...(dom0 ? {
        guests: dom0.guests.filter((g) => pool.byUuidOf('VM', g.uuid))
          .map((g) => ({ name: g.name, uuid: g.uuid, address: g.address, ssh: { port: dom0.port, hostKeySha256: g.hostKeySha256 } })),
      } : {}),
    };
  });
  const first = state.pools[0];
  const controlAddress = state.masterAddress(first);
  const d: FleetDescription = { pools, control: `${scheme}://${controlAddress}:${port}/control/` };
  if (tls) d.tls = { fingerprint256: tls.fingerprint256 };
  if (dom0) d.dom0 = { port: dom0.port, username: dom0.username };
  return d;
}
