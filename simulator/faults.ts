// Faults a real pool shows its admin, made through the control API (POST /control/fault/<name>) so the
// health checks, their tests and the demos see what XAPI would show: the fields that change and the
// message xapi raises, on the pool's priority scale (messages.ts). Each fault's cause can be taken
// away again (a path back, a PBD plugged with XAPI's PBD.plug, a message destroyed …).
//
// Shapes (../shared/notes/xapi-operations.md §9, §10; xapi mpathalert.ml, create_storage.ml, db_gc.ml,
// xapi_ha_vm_failover.ml; sm mpathcount.py):
// - multipath: PBD.other_config["mpath-<SCSIid>"] = "[current, max]" (Python's list repr, `max` sticky)
//   and ["multipathed"] = "true"; mpathalert raises MULTIPATH_PERIODIC_ALERT on the pool when a path is
//   or was broken, its body the unhealthy paths and the events of the last 120 s.
// - a PBD that failed to plug at host start: currently_attached false and PBD_PLUG_FAILED_ON_SERVER_START
//   on the host, body "".
// - clock skew: HOST_CLOCK_SKEW_DETECTED on the host with xapi's sentence.
// - HA: the host dies (as /control/host/down) and HA_HOST_FAILED "Server '<name>' has failed".
// - an SR filling up: physical_utilisation set to a share of physical_size.
// - an interrupted raw import: a VDI left attached to the control domain (a dom0 VBD, attached).

import type { ControlReply } from './control';
import { raiseMessage } from './messages';
import type { DownMode, PoolState, SimState, XObject } from './state';
import { addVdi } from './vdis';

class FaultError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}
function bad(message: string, status = 400): never {
  throw new FaultError(status, message);
}
function needString(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' || v === '') bad(`"${key}" must be a non-empty string`);
  return v;
}
function findSr(sim: SimState, uuid: string): { pool: PoolState; sr: XObject } {
  const found = sim.findByUuid(uuid);
  if (!found || found.obj.cls !== 'SR') bad(`no SR with uuid ${uuid}`, 404);
  return { pool: found.pool, sr: found.obj };
}
function findHostIn(sim: SimState, key: string): { pool: PoolState; host: XObject } {
  const found = sim.findHost(key);
  if (!found) bad(`no host ${JSON.stringify(key)}`, 404);
  return found;
}
function pbdOn(pool: PoolState, sr: XObject, host: XObject): XObject {
  for (const ref of sr.record.PBDs as string[]) {
    const pbd = pool.getOf('PBD', ref);
    if (pbd && pbd.record.host === host.ref) return pbd;
  }
  return bad(`host ${host.record.name_label} has no PBD for SR ${sr.record.name_label}`, 404);
}
function count(body: Record<string, unknown>, key: string, fallback?: number): number {
  const v = body[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) bad(`"${key}" must be a whole number`);
  return v;
}

/** "20261202T13:04:37Z", the timestamp mpathalert writes. */
function basicIso(d: Date): string {
  return d.toISOString().replace(/[-]/g, '').replace(/\.\d+Z$/, 'Z');
}

function scsiIdOf(pbd: XObject): string {
  return (pbd.record.device_config as Record<string, string>).SCSIid ?? '';
}
/** [current, max] from "[2, 4]" (or Python 2's "[2L, 4L]"). */
function pathCounts(value: string | undefined): [number, number] | undefined {
  const m = value === undefined ? null : /^\[(\d+)L?,\s*(\d+)L?\]$/.exec(value);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** mpathcount.py's write, then mpathalert's message for the change. */
function setPaths(pool: PoolState, sr: XObject, host: XObject, current: number, maxGiven: number): XObject {
  const scsiId = scsiIdOf(pbdOn(pool, sr, host));
  if (!scsiId) bad(`SR ${sr.record.name_label} has no SCSIid: not a multipathed LUN`, 409);
  // Hosts that never reported get their healthy counts first, as mpathcount writes on every attach.
  const key = `mpath-${scsiId}`;
  for (const ref of sr.record.PBDs as string[]) {
    const pbd = pool.getOf('PBD', ref);
    if (!pbd) continue;
    const oc = pbd.record.other_config as Record<string, string>;
    if (pbd.record.host !== host.ref && oc[key] === undefined) {
      pool.update(pbd, { other_config: { ...oc, [key]: `[${maxGiven}, ${maxGiven}]`, multipathed: 'true' } });
    }
  }
  const pbd = pbdOn(pool, sr, host);
  const oc = pbd.record.other_config as Record<string, string>;
  const before = pathCounts(oc[key]);
  const max = Math.max(before?.[1] ?? 0, maxGiven, current);
  pool.update(pbd, { other_config: { ...oc, [key]: `[${current}, ${max}]`, multipathed: 'true' } });
  if (current >= max && (!before || before[0] >= before[1])) return pbd; // never broken: no alert
  const now = new Date();
  const line = (p: XObject, cur: number, mx: number): string => {
    const h = pool.getOf('host', p.record.host as string);
    return `[${basicIso(now)}] host=${h?.uuid ?? ''}; host-name="${String(h?.record.name_label ?? '')}"; pbd=${p.uuid}; scsi_id=${scsiIdOf(p)}; current=${cur}; max=${mx}`;
  };
  const unhealthy: string[] = [];
  for (const p of pool.all('PBD')) {
    for (const [k, v] of Object.entries(p.record.other_config as Record<string, string>)) {
      const c = k.startsWith('mpath-') && k !== 'mpath-boot' ? pathCounts(v) : undefined;
      if (c && c[0] < c[1]) unhealthy.push(line(p, c[0], c[1]));
    }
  }
  const body = (unhealthy.length ? 'Unhealthy paths:\n' + unhealthy.join('\n') + '\n' : '') +
    'Events received during the last 120 seconds:\n' + line(pbd, current, max) + '\n';
  raiseMessage(pool, { name: 'MULTIPATH_PERIODIC_ALERT', cls: 'Pool', objUuid: pool.poolObject().uuid, body });
  return pbd;
}

function dom0Of(pool: PoolState, host: XObject): XObject {
  for (const ref of host.record.resident_VMs as string[]) {
    const vm = pool.getOf('VM', ref);
    if (vm?.record.is_control_domain) return vm;
  }
  return bad(`host ${host.record.name_label} has no control domain`, 409);
}

export interface FaultHooks {
  hostDown(address: string, mode: DownMode): void;
}

/** POST /control/fault/<route>; undefined when the route is not a fault. */
export function handleFault(sim: SimState, hooks: FaultHooks, route: string, body: Record<string, unknown>): ControlReply | undefined {
  if (!route.startsWith('fault/')) return undefined;
  try {
    switch (route.slice('fault/'.length)) {
      case 'multipath': {
        // {sr, host, current, max?}: the host now sees `current` of the LUN's paths.
        const { pool, sr } = findSr(sim, needString(body, 'sr'));
        const { host } = findHostIn(sim, needString(body, 'host'));
        const fallbackMax = sr.record.type === 'lvmohba' ? 4 : 2;
        const pbd = setPaths(pool, sr, host, count(body, 'current'), count(body, 'max', fallbackMax));
        return { status: 200, body: { pbd: pbd.uuid, other_config: pbd.record.other_config } };
      }
      case 'pbd-plug-failed': {
        const { pool, sr } = findSr(sim, needString(body, 'sr'));
        const { host } = findHostIn(sim, needString(body, 'host'));
        const pbd = pbdOn(pool, sr, host);
        pool.update(pbd, { currently_attached: false });
        const msg = raiseMessage(pool, { name: 'PBD_PLUG_FAILED_ON_SERVER_START', cls: 'Host', objUuid: host.uuid, body: '' });
        return { status: 200, body: { pbd: pbd.uuid, message: msg.uuid } };
      }
      case 'clock-skew': {
        const { pool, host } = findHostIn(sim, needString(body, 'host'));
        const text = `The clock on server '${String(host.record.name_label)}' may not be synchronized with the other servers in pool '${String(pool.poolObject().record.name_label)}'. This could lead to errors when performing VM lifecycle operations, and will also affect the times recorded against archived performance data gathered from this server.`;
        const msg = raiseMessage(pool, { name: 'HOST_CLOCK_SKEW_DETECTED', cls: 'Host', objUuid: host.uuid, body: text });
        return { status: 200, body: { message: msg.uuid } };
      }
      case 'ha-host-failed': {
        const { pool, host } = findHostIn(sim, needString(body, 'host'));
        const address = host.record.address as string;
        sim.down.set(address, 'reset');
        const metrics = pool.getOf('host_metrics', host.record.metrics as string);
        if (metrics) pool.update(metrics, { live: false, last_updated: new Date() });
        hooks.hostDown(address, 'reset');
        const msg = raiseMessage(pool, { name: 'HA_HOST_FAILED', cls: 'Host', objUuid: host.uuid, body: `Server '${String(host.record.name_label)}' has failed` });
        return { status: 200, body: { message: msg.uuid, address } };
      }
      case 'sr-usage': {
        // {sr, percent}: the SR's physical_utilisation becomes that share of its size.
        const { pool, sr } = findSr(sim, needString(body, 'sr'));
        const percent = Number(body.percent);
        if (!Number.isFinite(percent) || percent < 0 || percent > 100) bad('"percent" must be between 0 and 100');
        const used = Math.round(((sr.record.physical_size as number) * percent) / 100);
        pool.update(sr, { physical_utilisation: used });
        return { status: 200, body: { sr: sr.uuid, physical_utilisation: used, physical_size: sr.record.physical_size } };
      }
      case 'interrupted-import': {
        // {sr, host?, name_label?}: what a raw import cut off mid-way leaves: its VDI plugged into dom0.
        const { pool, sr } = findSr(sim, needString(body, 'sr'));
        const host = typeof body.host === 'string' ? findHostIn(sim, body.host).host : pool.getOf('host', pool.masterRef())!;
        const dom0 = dom0Of(pool, host);
        const name = typeof body.name_label === 'string' ? body.name_label : 'import';
        const vdi = addVdi(pool, sr, { name_label: name, virtual_size: 1024 ** 3, format: 'raw' });
        const used = new Set((dom0.record.VBDs as string[]).map((r) => pool.getOf('VBD', r)?.record.userdevice));
        let slot = 0;
        while (used.has(String(slot))) slot++;
        const vbd = pool.create('VBD', { VM: dom0.ref, VDI: vdi.ref, userdevice: String(slot), device: `xvd${String.fromCharCode(97 + slot)}`, mode: 'RW', type: 'Disk', currently_attached: true, unpluggable: true });
        pool.addToSet(dom0, 'VBDs', vbd.ref);
        pool.addToSet(vdi, 'VBDs', vbd.ref);
        return { status: 200, body: { vdi: vdi.uuid, vbd: vbd.uuid, vbdRef: vbd.ref } };
      }
      default:
        bad(`no POST /control/${route}`, 404);
    }
  } catch (e) {
    if (e instanceof FaultError) return { status: e.status, body: { error: e.message } };
    throw e;
  }
}
