// The dom0 commands that act on the simulator's state: `xe` (the subcommands the runbook uses),
// `lvscan`, `hostname`, and the path mapping behind the dd wrapper. They run in
// the simulator's process; the scripts in the sandbox's bin/ reach them over a unix socket (dom0.ts).

import { join } from 'node:path';
import { addVdi, removeVdi } from '../control';
import { existsSync, readFileSync } from 'node:fs';
import type { PoolState, SimState, XObject } from '../state';
import type { Dom0Sandbox } from './sandbox';

export interface CommandResult {
  stdout: string;
  stderr?: string;
  code: number;
}

export interface CommandContext {
  pool: PoolState;
  /** The host the command runs on (for a guest: the host it is resident on). */
  host: XObject;
  /** Set when the command runs inside a guest (H3), not a dom0. */
  vm?: XObject;
  sandbox: Dom0Sandbox;
  sim: SimState;
}

const LVM_TYPES = ['lvm', 'lvmohba', 'lvmoiscsi'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const ok = (stdout = ''): CommandResult => ({ stdout, code: 0 });
const fail = (stderr: string, code = 1): CommandResult => ({ stdout: '', stderr: stderr.endsWith('\n') ? stderr : stderr + '\n', code });

export function runCommand(ctx: CommandContext, cmd: string, args: string[]): CommandResult {
  switch (cmd) {
    case 'hostname':
      return ok(`${ctx.host.record.name_label as string}\n`);
    case 'xe':
      return xe(ctx, args);
    case 'lvscan':
      return lvscan(ctx);
    case 'map-dev':
      return mapDevice(ctx, args[0] ?? '');
    case 'xapi-init':
      return xapiInit(ctx, args[0] ?? '');
    case 'guest-attr':
      return guestAttr(ctx, args[0] ?? '', args[1] ?? '');
    default:
      return fail(`${cmd}: command not found`, 127);
  }
}

// ---- the toolstack (H2): /etc/init.d/xapi, and the version xapi reports when it starts ----

const VERSION = /^\d+\.\d+\.\d+$/;

/** What a starting xapi reports: the override file if there is one, else the string in its binary. */
function versionAtStart(ctx: CommandContext): string | undefined {
  const dir = ctx.sandbox.hostDir(ctx.host);
  const override = join(dir, 'etc/xensource/xapi_version_override');
  if (existsSync(override)) {
    const v = readFileSync(override, 'utf8').trim();
    if (VERSION.test(v)) return v;
  }
  const binary = join(dir, 'opt/xensource/bin/xapi');
  if (!existsSync(binary)) return undefined;
  return /product_version=(\d+\.\d+\.\d+)/.exec(readFileSync(binary).toString('latin1'))?.[1];
}

function xapiInit(ctx: CommandContext, action: string): CommandResult {
  if (ctx.vm) return fail('xapi: not a dom0', 127);
  const address = ctx.host.record.address as string;
  let out = '';
  if (action === 'stop' || action === 'restart') {
    ctx.sim.down.set(address, 'reset');
    out += 'Stopping xapi: ..                                         [  OK  ]\n';
  }
  if (action === 'start' || action === 'restart') {
    const version = versionAtStart(ctx);
    if (!version) return fail('Starting xapi: the xapi binary is missing or damaged       [FAILED]');
    const sv = { ...(ctx.host.record.software_version as Record<string, string>), product_version: version };
    ctx.pool.update(ctx.host, { software_version: sv });
    ctx.sim.down.delete(address);
    out += 'Starting xapi: ..........                                 [  OK  ]\n';
  }
  return out ? ok(out) : fail(`Usage: /etc/init.d/xapi {start|stop|restart}`, 2);
}

// ---- the guest tools (H3): xe-update-guest-attrs writes the PV drivers' version ----

const PV_FIELDS: Record<string, string> = {
  'attr/PVAddons/MajorVersion': 'major', 'attr/PVAddons/MinorVersion': 'minor',
  'attr/PVAddons/MicroVersion': 'micro', 'attr/PVAddons/BuildVersion': 'build',
};

function guestAttr(ctx: CommandContext, key: string, value: string): CommandResult {
  const field = PV_FIELDS[key];
  if (!ctx.vm) return fail('xenstore-write: not inside a guest');
  if (!field || !/^\d+$/.test(value)) return fail(`xenstore-write: bad key or value ${key}=${value}`);
  const gm = ctx.pool.getOf('VM_guest_metrics', ctx.vm.record.guest_metrics as string);
  if (!gm) return fail('xenstore-write: the guest agent is not running');
  const pv = { ...(gm.record.PV_drivers_version as Record<string, string>), [field]: value };
  const hostVersion = (ctx.host.record.software_version as Record<string, string>).product_version;
  ctx.pool.update(gm, { PV_drivers_version: pv, PV_drivers_up_to_date: `${pv.major}.${pv.minor}.${pv.micro}` === hostVersion, last_updated: new Date() });
  return ok();
}

// ---- xe ----

type Row = Record<string, string>;

function rec<T = unknown>(o: XObject, field: string): T {
  return o.record[field] as T;
}

function mapText(m: Record<string, string> | undefined): string {
  return Object.entries(m ?? {}).map(([k, v]) => `${k}: ${v}`).join('; ');
}

function uuidOf(pool: PoolState, ref: string): string {
  return pool.get(ref)?.uuid ?? '<not in database>';
}

/** Each class as xe shows it: all params, and the ones `xe <class>-list` prints by default. */
const CLASSES: Record<string, { cls: 'host' | 'SR' | 'VDI' | 'PBD' | 'VM'; defaults: string[]; row(pool: PoolState, o: XObject): Row }> = {
  host: {
    cls: 'host',
    defaults: ['uuid', 'name-label', 'name-description'],
    row: (pool, o) => ({
      uuid: o.uuid, 'name-label': rec(o, 'name_label'), 'name-description': rec(o, 'name_description'),
      address: rec(o, 'address'), hostname: rec(o, 'hostname'), enabled: String(rec(o, 'enabled')),
      'software-version': mapText(rec(o, 'software_version')),
      'host-metrics-live': String(pool.getOf('host_metrics', rec(o, 'metrics'))?.record.live ?? false),
    }),
  },
  sr: {
    cls: 'SR',
    defaults: ['uuid', 'name-label', 'name-description', 'host', 'type', 'content-type'],
    row: (pool, o) => {
      const pbds = [...pool.all('PBD')].filter((p) => rec(p, 'SR') === o.ref);
      const host = rec<boolean>(o, 'shared') ? '<shared>' : (pool.get(rec(pbds[0] ?? o, 'host'))?.record.name_label as string) ?? '<not in database>';
      return {
        uuid: o.uuid, 'name-label': rec(o, 'name_label'), 'name-description': rec(o, 'name_description'), host,
        type: rec(o, 'type'), 'content-type': rec(o, 'content_type'), shared: String(rec(o, 'shared')),
        'physical-size': String(rec(o, 'physical_size')), 'physical-utilisation': String(rec(o, 'physical_utilisation')),
      };
    },
  },
  vdi: {
    cls: 'VDI',
    defaults: ['uuid', 'name-label', 'name-description', 'virtual-size', 'sharable', 'read-only'],
    row: (pool, o) => ({
      uuid: o.uuid, 'name-label': rec(o, 'name_label'), 'name-description': rec(o, 'name_description'),
      'sr-uuid': uuidOf(pool, rec(o, 'SR')), 'virtual-size': String(rec(o, 'virtual_size')),
      'physical-utilisation': String(rec(o, 'physical_utilisation')), sharable: String(rec(o, 'sharable')),
      'read-only': String(rec(o, 'read_only')), 'sm-config': mapText(rec(o, 'sm_config')),
    }),
  },
  pbd: {
    cls: 'PBD',
    defaults: ['uuid', 'host-uuid', 'sr-uuid', 'device-config', 'currently-attached'],
    row: (pool, o) => ({
      uuid: o.uuid, 'host-uuid': uuidOf(pool, rec(o, 'host')), 'sr-uuid': uuidOf(pool, rec(o, 'SR')),
      'device-config': mapText(rec(o, 'device_config')), 'currently-attached': String(rec(o, 'currently_attached')),
    }),
  },
  vm: {
    cls: 'VM',
    defaults: ['uuid', 'name-label', 'power-state'],
    row: (pool, o) => ({
      uuid: o.uuid, 'name-label': rec(o, 'name_label'), 'power-state': String(rec(o, 'power_state')).toLowerCase(),
      'resident-on': uuidOf(pool, rec(o, 'resident_on')), 'is-control-domain': String(rec(o, 'is_control_domain')),
    }),
  },
};

function parseArgs(args: string[]): { params: Map<string, string>; flags: Set<string> } {
  const params = new Map<string, string>();
  const flags = new Set<string>();
  for (const a of args) {
    if (a.startsWith('--')) flags.add(a.slice(2));
    else {
      const eq = a.indexOf('=');
      if (eq > 0) params.set(a.slice(0, eq), a.slice(eq + 1));
      else flags.add(a);
    }
  }
  return { params, flags };
}

/** xe's record layout: the first key left-aligned, the others right-aligned on the colon. */
function formatRecord(row: Row, fields: string[]): string {
  const rw = (f: string) => (['name-label', 'name-description'].includes(f) ? 'RW' : 'RO');
  const keys = fields.map((f) => `${f} ( ${rw(f)})`);
  const width = Math.max(20, ...keys.map((k) => k.length));
  return fields.map((f, i) => (i === 0 ? keys[i].padEnd(width + 4) : keys[i].padStart(width + 4)) + ': ' + (row[f] ?? '')).join('\n') + '\n';
}

function list(ctx: CommandContext, kind: keyof typeof CLASSES, args: string[]): CommandResult {
  const spec = CLASSES[kind];
  const { params, flags } = parseArgs(args);
  const wanted = params.get('params');
  params.delete('params');
  let rows = [...ctx.pool.all(spec.cls)].map((o) => spec.row(ctx.pool, o));
  for (const [k, v] of params) {
    if (rows.length && !(k in rows[0])) return fail(`Unknown field '${k}'`);
    rows = rows.filter((r) => r[k] === v);
  }
  if (flags.has('minimal')) return ok(rows.map((r) => r[wanted && wanted !== 'all' ? wanted.split(',')[0] : 'uuid']).join(',') + '\n');
  const fields = !wanted ? spec.defaults : wanted === 'all' ? Object.keys(rows[0] ?? {}) : wanted.split(',');
  return ok(rows.map((r) => formatRecord(r, fields)).join('\n\n') + (rows.length ? '\n\n' : ''));
}

function parseSize(s: string | undefined): number | undefined {
  const m = /^(\d+)\s*(B|KiB|MiB|GiB|TiB)?$/i.exec(s ?? '');
  if (!m) return undefined;
  const mult: Record<string, number> = { b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4 };
  return Number(m[1]) * mult[(m[2] ?? 'b').toLowerCase()];
}

function xe(ctx: CommandContext, args: string[]): CommandResult {
  const [sub, ...rest] = args;
  const { params } = parseArgs(rest);
  const m = /^(host|sr|vdi|pbd|vm)-list$/.exec(sub ?? '');
  if (m) return list(ctx, m[1] as keyof typeof CLASSES, rest);
  switch (sub) {
    case 'host-param-get': {
      const host = ctx.pool.byUuidOf('host', params.get('uuid') ?? '');
      if (!host) return fail(`The uuid you supplied was invalid.\ntype: host\nuuid: ${params.get('uuid') ?? ''}`);
      const row = CLASSES.host.row(ctx.pool, host);
      const name = params.get('param-name') ?? '';
      if (!(name in row)) return fail(`Unknown field '${name}'`);
      return ok(row[name] + '\n');
    }
    case 'sr-scan': {
      const sr = ctx.pool.byUuidOf('SR', params.get('uuid') ?? '');
      if (!sr) return fail(`The uuid you supplied was invalid.\ntype: SR\nuuid: ${params.get('uuid') ?? ''}`);
      ctx.pool.touch(sr);
      return ok();
    }
    case 'vdi-create': {
      const sr = ctx.pool.byUuidOf('SR', params.get('sr-uuid') ?? '');
      if (!sr) return fail(`The uuid you supplied was invalid.\ntype: SR\nuuid: ${params.get('sr-uuid') ?? ''}`);
      const size = parseSize(params.get('virtual-size'));
      const name = params.get('name-label');
      if (size === undefined || name === undefined) return fail('Required parameters: sr-uuid, name-label, virtual-size (bytes or with KiB/MiB/GiB/TiB)');
      const raw = params.get('sm-config:type') === 'raw';
      const vdi = addVdi(ctx.pool, sr, { name_label: name, virtual_size: size, format: raw ? 'raw' : 'vhd' });
      return ok(vdi.uuid + '\n');
    }
    case 'vdi-destroy': {
      const vdi = ctx.pool.byUuidOf('VDI', params.get('uuid') ?? '');
      if (!vdi) return fail(`The uuid you supplied was invalid.\ntype: VDI\nuuid: ${params.get('uuid') ?? ''}`);
      const sr = ctx.pool.get(rec(vdi, 'SR'));
      removeVdi(ctx.pool, vdi);
      if (sr) for (const prefix of ['LV-', 'VHD-']) ctx.sandbox.removeLv(ctx.pool, sr.uuid, prefix + vdi.uuid);
      return ok();
    }
    case undefined:
    case 'help':
      return ok('Usage: xe <host|sr|vdi|pbd|vm>-list [params=…] [--minimal] [field=value …]; host-param-get; sr-scan; vdi-create; vdi-destroy\n');
    default:
      return fail(`Unknown command: ${sub} (this simulated dom0 knows host-list, sr-list, vdi-list, pbd-list, vm-list, host-param-get, sr-scan, vdi-create, vdi-destroy)`);
  }
}

// ---- LVM ----

function lvmSrsOfHost(ctx: CommandContext): XObject[] {
  const out: XObject[] = [];
  for (const pbd of ctx.pool.all('PBD')) {
    if (rec(pbd, 'host') !== ctx.host.ref || !rec<boolean>(pbd, 'currently_attached')) continue;
    const sr = ctx.pool.get(rec(pbd, 'SR'));
    if (sr && LVM_TYPES.includes(rec(sr, 'type'))) out.push(sr);
  }
  return out;
}

function lvName(vdi: XObject): string {
  return (rec<Record<string, string>>(vdi, 'sm_config') ?? {}).type === 'raw' ? `LV-${vdi.uuid}` : `VHD-${vdi.uuid}`;
}

function lvscan(ctx: CommandContext): CommandResult {
  const lines: string[] = [];
  for (const sr of lvmSrsOfHost(ctx)) {
    lines.push(`  inactive          '/dev/VG_XenStorage-${sr.uuid}/MGT' [4.00 MiB] inherit`);
    for (const vdi of ctx.pool.all('VDI')) {
      if (rec(vdi, 'SR') !== sr.ref) continue;
      const attachedHere = [...ctx.pool.all('VBD')].some((b) => rec(b, 'VDI') === vdi.ref && rec<boolean>(b, 'currently_attached')
        && ctx.pool.get(rec(b, 'VM'))?.record.resident_on === ctx.host.ref);
      const gib = (rec<number>(vdi, 'physical_utilisation') / 1024 ** 3).toFixed(2);
      lines.push(`  ${attachedHere ? 'ACTIVE  ' : 'inactive'}          '/dev/VG_XenStorage-${sr.uuid}/${lvName(vdi)}' [${gib} GiB] inherit`);
    }
  }
  return ok(lines.join('\n') + (lines.length ? '\n' : ''));
}

/**
 * Maps a path a command names into this host's sandbox: an LV of a plugged LVM SR becomes its shared
 * backing file (created sparse at the VDI's size); anything under /dev /etc /opt /tmp /sys maps into
 * the host's folder; other paths are left as they are.
 */
function mapDevice(ctx: CommandContext, path: string): CommandResult {
  const lv = /^\/dev\/(?:mapper\/)?VG_XenStorage-([0-9a-f-]{36})\/(LV|VHD)-([0-9a-f-]{36})$/.exec(path);
  if (lv) {
    const [, srUuid, kind, vdiUuid] = lv;
    if (!UUID.test(srUuid) || !UUID.test(vdiUuid)) return fail(`${path}: not a volume`);
    const sr = lvmSrsOfHost(ctx).find((s) => s.uuid === srUuid);
    if (!sr) return fail(`Volume group "VG_XenStorage-${srUuid}" not found`, 5);
    const vdi = ctx.pool.byUuidOf('VDI', vdiUuid);
    if (!vdi || rec(vdi, 'SR') !== sr.ref || lvName(vdi) !== `${kind}-${vdiUuid}`) return fail(`${path}: No such file or directory`, 2);
    return ok(ctx.sandbox.lvFile(ctx.pool, ctx.host, srUuid, `${kind}-${vdiUuid}`, rec<number>(vdi, 'physical_utilisation')) + '\n');
  }
  if (/^\/(dev|etc|opt|tmp|sys)(\/|$)/.test(path) && !path.includes('..')) return ok(join(ctx.sandbox.hostDir(ctx.host), path) + '\n');
  return ok(path + '\n');
}
