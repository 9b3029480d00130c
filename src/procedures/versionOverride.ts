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
import { l10n } from '../text/l10n';

export const XAPI_BINARY = '/opt/xensource/bin/xapi';
export const XAPI_BACKUP = '/opt/xensource/bin/xapi.original';
export const VERSION_OVERRIDE_FILE = '/etc/xensource/xapi_version_override';
const VERSION = /^\d+\.\d+\.\d+$/;

export type OverrideMethod = 'file' | 'binary';

function hostTarget(model: PoolModel, ref: Ref<'host'>): { host: HostTarget; target: ObjectRef; version: string } | { refusal: string; target: ObjectRef } {
  const rec = model.get('host', ref);
  const target: ObjectRef = { kind: 'host', name: rec?.name_label ?? '?', uuid: rec?.uuid ?? '' };
  if (!rec) return { refusal: l10n.t('This host is no longer in the pool.'), target };
  if (!isUuid(rec.uuid)) return { refusal: l10n.t('XAPI gave the host a malformed uuid ({0}); refusing to act on it.', rec.uuid), target };
  if (!model.isHostLive(ref)) return { refusal: l10n.t('{0} is not live: xapi cannot be restarted on a host that does not answer.', rec.name_label), target };
  const version = rec.software_version.product_version ?? '';
  return { host: { name: rec.name_label, uuid: rec.uuid, address: rec.address }, target, version };
}

/** `want`: the version to read back, or `{ not }` for any version but that one (undo). */
function restartAndVerify(host: HostTarget, ref: Ref<'host'>, want: string | { not: string }): Step[] {
  const wanted = typeof want === 'string' ? want : l10n.t('anything but {0}', want.not);
  const matches = (v: string | undefined) => (typeof want === 'string' ? v === want : v !== undefined && v !== want.not);
  return [
    {
      id: 'restart',
      title: l10n.t('Restart xapi on {0}', host.name),
      why: l10n.t('xapi reads its version when it starts. Running VMs are not touched; XenCenter and this view reconnect.'),
      destructive: true,
      confirmObject: { kind: 'host', name: host.name, uuid: host.uuid },
      action: { kind: 'shell', host, command: '/etc/init.d/xapi restart' },
    },
    {
      id: 'verify',
      title: l10n.t('Read {0}\'s version back through XAPI', host.name),
      why: l10n.t('host.software_version must now say product_version {0}.', wanted),
      destructive: false,
      action: { kind: 'xapi', method: 'host.get_software_version', args: [ref], xe: `xe host-param-get uuid=${host.uuid} param-name=software-version param-key=product_version` },
      check: l10n.t('product_version: {0}', wanted),
      expect: (v) => {
        const got = (v as Record<string, string> | undefined)?.product_version;
        return matches(got) ? undefined : l10n.t('product_version is {0}, wanted {1}', got ?? 'missing', wanted);
      },
      waitMs: 90_000,
    },
  ];
}

/** H2: make the host report 6.0.99. */
export function planVersionOverride(model: PoolModel, ref: Ref<'host'>, method: OverrideMethod): Plan {
  const base = { procedure: 'H2', title: l10n.t('Present as XenServer {0} to XenCenter ({1})', PRESENTED_VERSION, method === 'file' ? l10n.t('override file') : l10n.t('binary patch')) };
  const t = hostTarget(model, ref);
  if ('refusal' in t) return refusedPlan(base, t.target, t.refusal);
  const { host, target, version } = t;
  const facts = [l10n.t('{0} reports product_version {1} (host.software_version, read from the pool master).', host.name, version || '(none)')];
  const plan: Plan = { ...base, target, summary: '', facts, steps: [] };
  if (version === PRESENTED_VERSION) return { ...plan, refusal: l10n.t('{0} already reports {1}: nothing to do.', host.name, PRESENTED_VERSION) };
  if (!VERSION.test(version)) return { ...plan, refusal: l10n.t('{0} reports product_version "{1}", which is not a version number: refusing to edit xapi by guesswork.', host.name, version) };

  if (method === 'file') {
    plan.summary = l10n.t('Writes {0} to {1} on {2} and restarts xapi, so XenCenter sees XenServer {3} (dynamic memory, snapshots, live migration). The file survives xapi upgrades; undo removes it.', PRESENTED_VERSION, VERSION_OVERRIDE_FILE, host.name, PRESENTED_VERSION);
    plan.steps = [
      {
        id: 'override-file',
        title: l10n.t('Write {0}', VERSION_OVERRIDE_FILE),
        why: l10n.t('xapi reports the version in this file, where the release reads it.'),
        destructive: true,
        confirmObject: target,
        action: { kind: 'shell', host, command: sh`printf '%s\n' ${PRESENTED_VERSION} > ${VERSION_OVERRIDE_FILE} && cat ${VERSION_OVERRIDE_FILE}` },
        check: l10n.t('the file holds {0}', PRESENTED_VERSION),
      },
      ...restartAndVerify(host, ref, PRESENTED_VERSION),
    ];
    return plan;
  }
  const pattern = version.replace(/\./g, '\\.');
  plan.summary = l10n.t('Patches the version string {0} → {1} in {2} on {3} (a backup is kept once, at {4}), then restarts xapi. An xapi upgrade undoes it; the tree flags the host again then.', version, PRESENTED_VERSION, XAPI_BINARY, host.name, XAPI_BACKUP);
  plan.steps = [
    {
      id: 'backup',
      title: l10n.t('Keep the original binary once ({0})', XAPI_BACKUP),
      why: l10n.t('Undo needs the original; an existing backup is never overwritten (it may be the only untouched copy).'),
      destructive: false,
      action: { kind: 'shell', host, command: sh`if [ -e ${XAPI_BACKUP} ]; then echo "backup already there, kept:"; else cp -vp ${XAPI_BINARY} ${XAPI_BACKUP}; fi && ls -l ${XAPI_BACKUP}` },
      check: l10n.t('the backup exists'),
    },
    {
      id: 'patch',
      title: l10n.t('Replace {0} by {1} in the xapi binary', version, PRESENTED_VERSION),
      why: l10n.t('The version xapi reports is a string in its binary; sed -i writes a new file, the running xapi keeps the old one until the restart.'),
      destructive: true,
      confirmObject: target,
      action: { kind: 'shell', host, command: sh`sed -i ${`s/${pattern}/${PRESENTED_VERSION}/g`} ${XAPI_BINARY} && grep -c ${PRESENTED_VERSION} ${XAPI_BINARY}` },
      check: l10n.t('the binary holds {0}', PRESENTED_VERSION),
    },
    ...restartAndVerify(host, ref, PRESENTED_VERSION),
  ];
  return plan;
}

/** H2 undo: the original binary back (when there is a backup), the override file removed, xapi restarted. */
export function planUndoVersionOverride(model: PoolModel, ref: Ref<'host'>): Plan {
  const base = { procedure: 'H2', title: l10n.t('Undo the version override') };
  const t = hostTarget(model, ref);
  if ('refusal' in t) return refusedPlan(base, t.target, t.refusal);
  const { host, target, version } = t;
  const facts = [l10n.t('{0} reports product_version {1}.', host.name, version || '(none)')];
  if (version !== PRESENTED_VERSION) return refusedPlan(base, target, l10n.t('{0} does not report {1}: there is no override to undo.', host.name, PRESENTED_VERSION), facts);
  return {
    ...base,
    target,
    summary: l10n.t('Puts back the original xapi binary from {0} (if there is one), removes {1} (if there is one) and restarts xapi; {2} then reports its own version again.', XAPI_BACKUP, VERSION_OVERRIDE_FILE, host.name),
    facts,
    steps: [
      {
        id: 'restore',
        title: l10n.t('Restore the original binary and remove the override file'),
        why: l10n.t('Either way of H2 may have been used, on this or an earlier run.'),
        destructive: true,
        confirmObject: target,
        action: { kind: 'shell', host, command: sh`if [ -e ${XAPI_BACKUP} ]; then cp -vp ${XAPI_BACKUP} ${XAPI_BINARY}; fi; rm -vf ${VERSION_OVERRIDE_FILE}` },
      },
      ...restartAndVerify(host, ref, { not: PRESENTED_VERSION }),
    ],
  };
}
