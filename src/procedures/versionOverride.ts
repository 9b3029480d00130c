// H2, present a host to XenCenter as XenServer 6.0.99: XCP 1.5 reports 1.4.90 and XenCenter then turns
// off dynamic memory, snapshots and live migration. Two ways, both from the runbook:
// - `file`: write 6.0.99 to /etc/xensource/xapi_version_override and restart xapi (kept across xapi
//   upgrades, on releases that read the file);
// - `binary`: keep a backup of /opt/xensource/bin/xapi once, replace the version string in the binary,
//   restart xapi (what the page does on XCP 1.5; lost at every xapi upgrade).
// `sed -i` writes a new file and renames it, so the running xapi is untouched until the restart: one
// restart instead of the page's stop … start, and a failed edit never leaves the host without xapi.
// Verified by reading host.software_version back through XAPI. Undo restores the original. No vscode import.

import type { PoolModel } from '../model/poolModel';
import { isUuid, type Ref } from '../xapi/records';
import { sh } from '../shell/quote';
import { PRESENTED_VERSION } from '../model/xenCenterVersion';
import { refusedPlan, type HostTarget, type ObjectRef, type Plan, type Step } from './plan';

export const XAPI_BINARY = '/opt/xensource/bin/xapi';
export const XAPI_BACKUP = '/opt/xensource/bin/xapi.original';
export const VERSION_OVERRIDE_FILE = '/etc/xensource/xapi_version_override';
const VERSION = /^\d+\.\d+\.\d+$/;

export type OverrideMethod = 'file' | 'binary';

function hostTarget(model: PoolModel, ref: Ref<'host'>): { host: HostTarget; target: ObjectRef; version: string } | { refusal: string; target: ObjectRef } {
  const rec = model.get('host', ref);
  const target: ObjectRef = { kind: 'host', name: rec?.name_label ?? '?', uuid: rec?.uuid ?? '' };
  if (!rec) return { refusal: 'This host is no longer in the pool.', target };
  if (!isUuid(rec.uuid)) return { refusal: `XAPI gave the host a malformed uuid (${rec.uuid}); refusing to act on it.`, target };
  if (!model.isHostLive(ref)) return { refusal: `${rec.name_label} is not live: xapi cannot be restarted on a host that does not answer.`, target };
  const version = rec.software_version.product_version ?? '';
  return { host: { name: rec.name_label, uuid: rec.uuid, address: rec.address }, target, version };
}

/** `want`: the version to read back, or `{ not }` for any version but that one (undo). */
function restartAndVerify(host: HostTarget, ref: Ref<'host'>, want: string | { not: string }): Step[] {
  const wanted = typeof want === 'string' ? want : `anything but ${want.not}`;
  const matches = (v: string | undefined) => (typeof want === 'string' ? v === want : v !== undefined && v !== want.not);
  return [
    {
      id: 'restart',
      title: `Restart xapi on ${host.name}`,
      why: 'xapi reads its version when it starts. Running VMs are not touched; XenCenter and this view reconnect.',
      destructive: true,
      confirmObject: { kind: 'host', name: host.name, uuid: host.uuid },
      action: { kind: 'shell', host, command: '/etc/init.d/xapi restart' },
    },
    {
      id: 'verify',
      title: `Read ${host.name}'s version back through XAPI`,
      why: `host.software_version must now say product_version ${wanted}.`,
      destructive: false,
      action: { kind: 'xapi', method: 'host.get_software_version', args: [ref], xe: `xe host-param-get uuid=${host.uuid} param-name=software-version param-key=product_version` },
      check: `product_version: ${wanted}`,
      expect: (v) => {
        const got = (v as Record<string, string> | undefined)?.product_version;
        return matches(got) ? undefined : `product_version is ${got ?? 'missing'}, wanted ${wanted}`;
      },
      waitMs: 90_000,
    },
  ];
}

/** H2: make the host report 6.0.99. */
export function planVersionOverride(model: PoolModel, ref: Ref<'host'>, method: OverrideMethod): Plan {
  const base = { procedure: 'H2', title: `Present as XenServer ${PRESENTED_VERSION} to XenCenter (${method === 'file' ? 'override file' : 'binary patch'})` };
  const t = hostTarget(model, ref);
  if ('refusal' in t) return refusedPlan(base, t.target, t.refusal);
  const { host, target, version } = t;
  const facts = [`${host.name} reports product_version ${version || '(none)'} (host.software_version, read from the pool master).`];
  const plan: Plan = { ...base, target, summary: '', facts, steps: [] };
  if (version === PRESENTED_VERSION) return { ...plan, refusal: `${host.name} already reports ${PRESENTED_VERSION}: nothing to do.` };
  if (!VERSION.test(version)) return { ...plan, refusal: `${host.name} reports product_version "${version}", which is not a version number: refusing to edit xapi by guesswork.` };

  if (method === 'file') {
    plan.summary = `Writes ${PRESENTED_VERSION} to ${VERSION_OVERRIDE_FILE} on ${host.name} and restarts xapi, so XenCenter sees XenServer ${PRESENTED_VERSION} (dynamic memory, snapshots, live migration). The file survives xapi upgrades; undo removes it.`;
    plan.steps = [
      {
        id: 'override-file',
        title: `Write ${VERSION_OVERRIDE_FILE}`,
        why: 'xapi reports the version in this file, where the release reads it.',
        destructive: true,
        confirmObject: target,
        action: { kind: 'shell', host, command: sh`printf '%s\n' ${PRESENTED_VERSION} > ${VERSION_OVERRIDE_FILE} && cat ${VERSION_OVERRIDE_FILE}` },
        check: `the file holds ${PRESENTED_VERSION}`,
      },
      ...restartAndVerify(host, ref, PRESENTED_VERSION),
    ];
    return plan;
  }
  const pattern = version.replace(/\./g, '\\.');
  plan.summary = `Patches the version string ${version} → ${PRESENTED_VERSION} in ${XAPI_BINARY} on ${host.name} (a backup is kept once, at ${XAPI_BACKUP}), then restarts xapi. An xapi upgrade undoes it; the tree flags the host again then.`;
  plan.steps = [
    {
      id: 'backup',
      title: `Keep the original binary once (${XAPI_BACKUP})`,
      why: 'Undo needs the original; an existing backup is never overwritten (it may be the only untouched copy).',
      destructive: false,
      action: { kind: 'shell', host, command: sh`if [ -e ${XAPI_BACKUP} ]; then echo "backup already there, kept:"; else cp -vp ${XAPI_BINARY} ${XAPI_BACKUP}; fi && ls -l ${XAPI_BACKUP}` },
      check: 'the backup exists',
    },
    {
      id: 'patch',
      title: `Replace ${version} by ${PRESENTED_VERSION} in the xapi binary`,
      why: 'The version xapi reports is a string in its binary; sed -i writes a new file, the running xapi keeps the old one until the restart.',
      destructive: true,
      confirmObject: target,
      action: { kind: 'shell', host, command: sh`sed -i ${`s/${pattern}/${PRESENTED_VERSION}/g`} ${XAPI_BINARY} && grep -c ${PRESENTED_VERSION} ${XAPI_BINARY}` },
      check: `the binary holds ${PRESENTED_VERSION}`,
    },
    ...restartAndVerify(host, ref, PRESENTED_VERSION),
  ];
  return plan;
}

/** H2 undo: the original binary back (when there is a backup), the override file removed, xapi restarted. */
export function planUndoVersionOverride(model: PoolModel, ref: Ref<'host'>): Plan {
  const base = { procedure: 'H2', title: 'Undo the version override' };
  const t = hostTarget(model, ref);
  if ('refusal' in t) return refusedPlan(base, t.target, t.refusal);
  const { host, target, version } = t;
  const facts = [`${host.name} reports product_version ${version || '(none)'}.`];
  if (version !== PRESENTED_VERSION) return refusedPlan(base, target, `${host.name} does not report ${PRESENTED_VERSION}: there is no override to undo.`, facts);
  return {
    ...base,
    target,
    summary: `Puts back the original xapi binary from ${XAPI_BACKUP} (if there is one), removes ${VERSION_OVERRIDE_FILE} (if there is one) and restarts xapi; ${host.name} then reports its own version again.`,
    facts,
    steps: [
      {
        id: 'restore',
        title: 'Restore the original binary and remove the override file',
        why: 'Either way of H2 may have been used, on this or an earlier run.',
        destructive: true,
        confirmObject: target,
        action: { kind: 'shell', host, command: sh`if [ -e ${XAPI_BACKUP} ]; then cp -vp ${XAPI_BACKUP} ${XAPI_BINARY}; fi; rm -vf ${VERSION_OVERRIDE_FILE}` },
      },
      ...restartAndVerify(host, ref, { not: PRESENTED_VERSION }),
    ],
  };
}
