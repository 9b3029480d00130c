// The control API: how tests and demos change the fleet behind XAPI's back (a LUN vanishes, a host
// dies, sessions expire). Plain JSON over HTTP under /control/ on every host address; real xapi has
// nothing like it. Every change goes through PoolState, so clients see it through event.from.

import { FleetDescription } from './fleet';
import { PoolState, SimState, XObject, DownMode } from './state';
import { handleFault } from './faults';
import { setSlow } from './tasks';
import { setRebootTime } from './evacuate';
import { setMigrationSpeed } from './vmLifecycle';
import { addVdi, removeVdi } from './vdis';

export { addVdi, removeVdi };


export interface ControlHooks {
  fleet(): FleetDescription;
  /** The server side of a host going down or up (dropping or holding its connections). */
  hostDown(address: string, mode: DownMode): void;
  hostUp(address: string): void;
}

export interface ControlReply {
  status: number;
  body: unknown;
}

class ControlError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}
function bad(message: string, status = 400): never {
  throw new ControlError(status, message);
}

function needString(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' || v === '') bad(`"${key}" must be a non-empty string`);
  return v;
}

function findHost(sim: SimState, key: string): { pool: PoolState; host: XObject } {
  const found = sim.findHost(key);
  if (!found) bad(`no host ${JSON.stringify(key)}`, 404);
  return found;
}

function setLive(pool: PoolState, host: XObject, live: boolean): void {
  const metrics = pool.getOf('host_metrics', host.record.metrics as string);
  if (metrics && metrics.record.live !== live) pool.update(metrics, { live, last_updated: new Date() });
}

export function handleControl(sim: SimState, hooks: ControlHooks, method: string, path: string, rawBody: string): ControlReply {
  try {
    const route = path.replace(/^\/control\/?/, '').replace(/\/+$/, '').split('?')[0];
    if (method === 'GET' && route === 'fleet') return { status: 200, body: hooks.fleet() };
    if (method !== 'POST') bad(`no ${method} /control/${route}`, 404);
    let body: Record<string, unknown> = {};
    if (rawBody.trim() !== '') {
      try {
        const parsed: unknown = JSON.parse(rawBody);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) bad('body must be a JSON object');
        body = parsed as Record<string, unknown>;
      } catch (e) {
        if (e instanceof ControlError) throw e;
        bad(`invalid JSON: ${(e as Error).message}`);
      }
    }
    switch (route) {
      case 'rename': {
        const uuid = needString(body, 'uuid');
        const name = body.name_label;
        if (typeof name !== 'string') bad('"name_label" must be a string');
        const found = sim.findByUuid(uuid);
        if (!found) bad(`no object with uuid ${uuid}`, 404);
        if (!('name_label' in found.obj.record)) bad(`a ${found.obj.cls} has no name_label`);
        found.pool.update(found.obj, { name_label: name });
        return { status: 200, body: { class: found.obj.cls, ref: found.obj.ref, uuid } };
      }
      case 'vdi/add': {
        const srUuid = needString(body, 'sr');
        const found = sim.findByUuid(srUuid);
        if (!found || found.obj.cls !== 'SR') bad(`no SR with uuid ${srUuid}`, 404);
        const name = typeof body.name_label === 'string' ? body.name_label : 'New virtual disk';
        const size = Number(body.virtual_size ?? 0);
        if (!Number.isSafeInteger(size) || size < 0) bad('"virtual_size" must be a byte count');
        const format = body.format ?? 'vhd';
        if (format !== 'raw' && format !== 'vhd') bad('"format" must be "raw" or "vhd"');
        const vdi = addVdi(found.pool, found.obj, {
          name_label: name,
          virtual_size: size,
          format,
          name_description: typeof body.name_description === 'string' ? body.name_description : undefined,
        });
        return { status: 200, body: { uuid: vdi.uuid, ref: vdi.ref } };
      }
      case 'vdi/remove': {
        const uuid = needString(body, 'uuid');
        const found = sim.findByUuid(uuid);
        if (!found || found.obj.cls !== 'VDI') bad(`no VDI with uuid ${uuid}`, 404);
        removeVdi(found.pool, found.obj);
        return { status: 200, body: { uuid, ref: found.obj.ref } };
      }
      case 'host/down': {
        const { pool, host } = findHost(sim, needString(body, 'host'));
        const mode: DownMode = body.mode === 'silent' ? 'silent' : 'reset';
        const address = host.record.address as string;
        sim.down.set(address, mode);
        // The master notices a slave's death (host_metrics.live); a dead master notices nothing, but
        // the record says so anyway for slave-local readers.
        setLive(pool, host, false);
        hooks.hostDown(address, mode);
        return { status: 200, body: { host: host.record.name_label, address, mode } };
      }
      case 'migration': {
        const speed = Number(body.bytesPerSecond);
        if (!Number.isFinite(speed) || speed <= 0) bad('"bytesPerSecond" must be a positive number');
        setMigrationSpeed(sim, speed);
        return { status: 200, body: { bytesPerSecond: speed } };
      }
      case 'host/reboot-time': {
        const ms = Number(body.ms);
        if (!Number.isSafeInteger(ms) || ms < 0) bad('"ms" must be a whole number of milliseconds');
        setRebootTime(sim, ms);
        return { status: 200, body: { ms } };
      }
      case 'host/up': {
        const { pool, host } = findHost(sim, needString(body, 'host'));
        const address = host.record.address as string;
        sim.down.delete(address);
        setLive(pool, host, true);
        hooks.hostUp(address);
        return { status: 200, body: { host: host.record.name_label, address } };
      }
      case 'host/memory': {
        // What xapi does every minute per host: new memory figures in host_metrics, liveness unchanged.
        const { pool, host } = findHost(sim, needString(body, 'host'));
        const free = Number(body.memory_free);
        if (!Number.isSafeInteger(free) || free < 0) bad('"memory_free" must be a byte count');
        const metrics = pool.getOf('host_metrics', host.record.metrics as string);
        if (!metrics) bad(`host ${host.record.name_label} has no host_metrics`, 404);
        pool.update(metrics, { memory_free: free, last_updated: new Date() });
        return { status: 200, body: { host: host.record.name_label, memory_free: free } };
      }
      case 'lun/grow': {
        // The storage array grows the LUN behind a shared LVM SR; the hosts see it once they rescan.
        const uuid = needString(body, 'sr');
        const size = Number(body.size);
        if (!Number.isSafeInteger(size) || size <= 0) bad('"size" must be a byte count');
        if (!sim.storage) bad('LUNs are simulated with the dom0s only (start the simulator with dom0)', 409);
        try {
          sim.storage.growLun(uuid, size);
        } catch (e) {
          bad((e as Error).message, 404);
        }
        return { status: 200, body: { sr: uuid, size } };
      }
      case 'pool/ha': {
        // HA switched on or off on a pool, as pool.enable_ha would (no heartbeat SR is simulated).
        const name = needString(body, 'pool');
        const pool = sim.pool(name);
        if (!pool) bad(`no pool ${JSON.stringify(name)}`, 404);
        if (typeof body.enabled !== 'boolean') bad('"enabled" must be a boolean');
        pool.update(pool.poolObject(), { ha_enabled: body.enabled });
        return { status: 200, body: { pool: name, ha_enabled: body.enabled } };
      }
      case 'sessions/invalidate': {
        let n = 0;
        for (const pool of sim.pools) {
          n += pool.sessions.size;
          pool.sessions.clear();
        }
        return { status: 200, body: { invalidated: n } };
      }
      case 'slow': {
        // A named method (sync and Async.) takes `ms` longer; as a task its progress rises meanwhile.
        const method = needString(body, 'method');
        const ms = Number(body.ms ?? 0);
        if (!Number.isSafeInteger(ms) || ms < 0 || ms > 3_600_000) bad('"ms" must be a whole number of milliseconds, at most one hour');
        if (body.cancellable !== undefined && typeof body.cancellable !== 'boolean') bad('"cancellable" must be a boolean');
        setSlow(sim, method, ms, body.cancellable === true);
        return { status: 200, body: { method, ms, cancellable: body.cancellable === true } };
      }
      case 'events/lose': {
        for (const pool of sim.pools) {
          pool.loseEvents();
          pool.wakeAll(); // blocked event.from calls answer EVENTS_LOST now, not at their timeout
        }
        return { status: 200, body: { ok: true } };
      }
      default: {
        // Faults as a real pool shows them: fields and the messages xapi raises (faults.ts).
        const fault = handleFault(sim, hooks, route, body);
        if (fault) return fault;
        bad(`no POST /control/${route}`, 404);
      }
    }
  } catch (e) {
    if (e instanceof ControlError) return { status: e.status, body: { error: e.message } };
    return { status: 500, body: { error: (e as Error).message } };
  }
}
