// What an XAPI message (alert) means: its severity from the pool's release and the message's name, and
// the fields of the bodies that have a known shape. Facts about records, below the health checks and
// the tree. No vscode import.
//
// Priority scales (xen-api api_messages.ml; ../shared/notes/xapi-operations.md §9): before XenServer
// 6.2 (API 1.x, XCP 1.5) a larger number is more important (HA_HOST_FAILED and
// HOST_CLOCK_SKEW_DETECTED 10, MULTIPATH_PERIODIC_ALERT 5, VM_STARTED 1); from 6.2 (API 2.0) on,
// 1 is critical … 5 informational. A name we know decides; an unknown one goes by its pool's scale.

import type { MessageRecord } from '../xapi/records';
import type { PoolModel } from './poolModel';
import { apiAtLeast, apiVersionOf, type ApiVersion } from './release';

export type MessageSeverity = 'error' | 'warning' | 'info';

/** The severity of the messages whose meaning we know, whatever number the pool gives them. */
const KNOWN: Readonly<Record<string, MessageSeverity>> = {
  HA_HOST_FAILED: 'error',
  HA_HOST_WAS_FENCED: 'error',
  HA_STATEFILE_LOST: 'error',
  HA_POOL_OVERCOMMITTED: 'error',
  PBD_PLUG_FAILED_ON_SERVER_START: 'error',
  HOST_SYNC_DATA_FAILED: 'warning',
  HOST_CLOCK_SKEW_DETECTED: 'warning',
  MULTIPATH_PERIODIC_ALERT: 'warning',
  ALARM: 'warning',
  LICENSE_EXPIRES_SOON: 'warning',
  LICENSE_EXPIRED: 'error',
  LICENSE_DOES_NOT_SUPPORT_POOLING: 'error',
  HOST_SERVER_CERTIFICATE_EXPIRED: 'error',
  POOL_CA_CERTIFICATE_EXPIRED: 'error',
  VM_STARTED: 'info',
  VM_SHUTDOWN: 'info',
  VM_REBOOTED: 'info',
  VM_SUSPENDED: 'info',
  VM_RESUMED: 'info',
  VM_CLONED: 'info',
  VM_MIGRATED: 'info',
};

/** True where priority 1 is the most important (XenServer 6.2, API 2.0, and later). */
export function priorityOneIsCritical(api: ApiVersion | undefined): boolean {
  return apiAtLeast(api, 2, 0);
}

export function messageSeverity(model: PoolModel, msg: Pick<MessageRecord, 'name' | 'priority'>): MessageSeverity {
  const known = KNOWN[msg.name];
  if (known) return known;
  // Certificate expiry warnings are named by days left: HOST_SERVER_CERTIFICATE_EXPIRING_07 …
  if (/^(HOST_SERVER|POOL_CA|HOST_INTERNAL)_CERTIFICATE_EXPIRING/.test(msg.name)) return 'warning';
  if (priorityOneIsCritical(apiVersionOf(model))) return msg.priority <= 2 ? 'error' : msg.priority === 3 ? 'warning' : 'info';
  // API 1.x: larger is more important; xapi's own run 1 (VM events) … 10 (HA, clock).
  return msg.priority >= 10 ? 'error' : msg.priority >= 5 ? 'warning' : 'info';
}

/** One path line of a MULTIPATH_PERIODIC_ALERT body (xapi mpathalert.ml). */
export interface MultipathLine {
  time: string;
  host: string;
  hostName: string;
  /** The PBD's uuid, or undefined for the host's boot LUN (`root=true`). */
  pbd?: string;
  scsiId?: string;
  current: number;
  max: number;
}

const MPATH_LINE = /^\[([^\]]*)\] host=([^;]*); host-name="(.*)"; (?:pbd=([^;]*); scsi_id=([^;]*)|root=true); current=(\d+); max=(\d+)$/;

/** The unhealthy paths and the recent events of a MULTIPATH_PERIODIC_ALERT body. */
export function parseMultipathAlert(body: string): { unhealthy: MultipathLine[]; events: MultipathLine[] } {
  const out = { unhealthy: [] as MultipathLine[], events: [] as MultipathLine[] };
  let into: MultipathLine[] | undefined;
  for (const line of body.split('\n')) {
    if (line === 'Unhealthy paths:') into = out.unhealthy;
    else if (line.startsWith('Events received during the last')) into = out.events;
    else {
      const m = MPATH_LINE.exec(line);
      if (m && into) into.push({ time: m[1], host: m[2], hostName: m[3], pbd: m[4], scsiId: m[5], current: Number(m[6]), max: Number(m[7]) });
    }
  }
  return out;
}

/** ALARM's body: "value: 0.953000\nconfig:\n<variable>\n\t<name value="cpu_usage"/>…" (perfmon). */
export function parseAlarm(body: string): { variable?: string; value?: string; triggerLevel?: string } {
  const value = /^value:\s*(\S+)/.exec(body)?.[1];
  const variable = /<name value="([^"]*)"\s*\/>/.exec(body)?.[1];
  const triggerLevel = /<alarm_trigger_level value="([^"]*)"\s*\/>/.exec(body)?.[1];
  return { variable, value, triggerLevel };
}

/** "[2, 4]" (or Python 2's "[2L, 4L]") → [2, 4]; mpathcount.py writes PBD.other_config["mpath-<SCSIid>"]. */
export function parsePathCounts(value: string | undefined): { current: number; max: number } | undefined {
  const m = value === undefined ? null : /^\[(\d+)L?,\s*(\d+)L?\]$/.exec(value.trim());
  return m ? { current: Number(m[1]), max: Number(m[2]) } : undefined;
}
