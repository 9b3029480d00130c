// H3, the guest tools' version a VM reports, so XenCenter does not call the tools out of date once the
// host presents itself as 6.0.99 (H2).
// - Linux guest, reachable over SSH: set MajorVersion 6 / MinorVersion 0 / MicroVersion 99 in
//   /usr/sbin/xe-update-guest-attrs (a copy of the original kept once), run it, read the version back
//   from VM_guest_metrics.
// - Windows guest (seldom reachable over SSH): a .cmd script for the admin to run in the guest (reg
//   add under HKLM\SOFTWARE\Citrix\XenTools and its Wow6432Node twin, then restart xensvc); the plan
//   waits for VM_guest_metrics to report the new version.
// The runbook's Windows table says Minor 99 / Micro 0, which would report 6.99.0, not 6.0.99: the
// values here are the ones of the target version, and the plan says so. No vscode import.

import { isIP } from 'node:net';
import type { PoolModel } from '../model/poolModel';
import { isUuid, type Ref } from '../xapi/records';
import { sh } from '../shell/quote';
import { guestKind, type GuestKind } from '../model/guestOs';
import { guestToolsVersion, PRESENTED_VERSION } from '../model/xenCenterVersion';
import { refusedPlan, type HostTarget, type ObjectRef, type Plan, type Step } from './plan';
import { english, l10n, l10n as ambient, type Translator } from '../text/l10n';

export const GUEST_ATTRS_SCRIPT = '/usr/sbin/xe-update-guest-attrs';
const ORIGINAL_COPY = `${GUEST_ATTRS_SCRIPT}.orig`;
const [MAJOR, MINOR, MICRO] = PRESENTED_VERSION.split('.');

/**
 * Why the version differs from the runbook's table (a function: said in the admin's language when asked).
 * The Windows .cmd passes `english`: its `rem` lines stay English, as cmd reads them safely.
 */
export function runbookTableNote(l10n: Translator = ambient): string {
  return l10n.t('The runbook\'s Windows table gives MinorVersion 99 and MicroVersion 0, which reads 6.99.0; the tools must report {0} (Major {1}, Minor {2}, Micro {3}), and that is what is used here.', PRESENTED_VERSION, MAJOR, MINOR, MICRO);
}

/** The guest's first IP as its agent reports it (`networks["0/ip"]`), if it is a real IPv4 or IPv6 address. */
export function guestAddress(networks: Record<string, string> | undefined): string | undefined {
  const ip = networks?.['0/ip'] ?? Object.entries(networks ?? {}).find(([k]) => /\/ip$/.test(k))?.[1];
  if (!ip) return undefined;
  return isIP(ip) ? ip : undefined;
}

/** The addresses of the pool's own hosts (management addresses and every PIF's IP): never a guest's. */
function poolHostAddresses(model: PoolModel): Set<string> {
  const all = [...model.hosts().map((h) => h.record.address), ...model.all('PIF').map((p) => p.record.IP)];
  return new Set(all.filter((a) => a && isIP(a)).map((a) => a.toLowerCase()));
}

function verifyStep(vmName: string, vmUuid: string, gmRef: string, waitMs: number, why: string): Step {
  return {
    id: 'verify',
    title: l10n.t('Read {0}\'s tools version back from XAPI', vmName),
    why,
    destructive: false,
    action: { kind: 'xapi', method: 'VM_guest_metrics.get_PV_drivers_version', args: [gmRef], xe: `xe vm-param-get uuid=${vmUuid} param-name=PV-drivers-version` },
    check: l10n.t('PV_drivers_version reads {0}', PRESENTED_VERSION),
    expect: (v) => {
      const got = guestToolsVersion(v as Record<string, string>);
      return got === PRESENTED_VERSION ? undefined : l10n.t('the guest reports {0}, not {1}', got ?? l10n.t('no version'), PRESENTED_VERSION);
    },
    waitMs,
  };
}

/** The .cmd the admin runs in a Windows guest (as Administrator). */
export function windowsToolsScript(vmName: string): string {
  const keys = ['HKLM\\SOFTWARE\\Citrix\\XenTools', 'HKLM\\SOFTWARE\\Wow6432Node\\Citrix\\XenTools'];
  const lines = [
    '@echo off',
    `rem XCP Admin, H3: make the guest tools of ${vmName.replace(/[\r\n%&|<>^"]/g, '_')} report ${PRESENTED_VERSION}.`,
    `rem ${runbookTableNote(english)}`,
    'rem Run as Administrator. Keys that do not exist on this Windows edition are reported and skipped.',
  ];
  for (const key of keys) {
    lines.push(`reg query "${key}" >nul 2>&1 && (`);
    lines.push(`  reg add "${key}" /v MajorVersion /t REG_DWORD /d ${MAJOR} /f`);
    lines.push(`  reg add "${key}" /v MinorVersion /t REG_DWORD /d ${MINOR} /f`);
    lines.push(`  reg add "${key}" /v MicroVersion /t REG_DWORD /d ${MICRO} /f`);
    lines.push(`) || echo ${key} not present, skipped`);
  }
  lines.push('net stop xensvc', 'net start xensvc', `echo Done: XenCenter shows the tools as ${PRESENTED_VERSION} once the service has reported.`);
  return lines.join('\r\n') + '\r\n';
}

/** H3 for one VM. `kind` may force the Windows (script) path for a guest the agent does not describe. */
export function planGuestTools(model: PoolModel, ref: Ref<'VM'>, force?: GuestKind): Plan {
  const vm = model.get('VM', ref);
  const target: ObjectRef = { kind: 'VM', name: vm?.name_label ?? '?', uuid: vm?.uuid ?? '' };
  const base = { procedure: 'H3', title: l10n.t('Guest tools report {0}', PRESENTED_VERSION) };
  const refuse = (refusal: string, facts: string[] = []): Plan => refusedPlan(base, target, refusal, facts);
  if (!vm) return refuse(l10n.t('This VM is no longer in the pool.'));
  if (!isUuid(vm.uuid)) return refuse(l10n.t('XAPI gave the VM a malformed uuid ({0}); refusing to act on it.', vm.uuid));
  const gm = model.get('VM_guest_metrics', vm.guest_metrics);
  const facts: string[] = [];
  if (!gm) return refuse(l10n.t('{0} has no guest metrics: the tools are not installed or the guest never ran them. Install the tools first.', vm.name_label), [l10n.t('{0}: guest_metrics is empty.', vm.name_label)]);
  const kind = force ?? guestKind(gm.os_version);
  const current = guestToolsVersion(gm.PV_drivers_version);
  facts.push(l10n.t('{0} reports tools {1} (VM_guest_metrics.PV_drivers_version), OS "{2}".', vm.name_label, current ?? 'without a version', gm.os_version.name ?? gm.os_version.distro ?? 'unknown'));
  if (vm.power_state !== 'Running') return refuse(l10n.t('{0} is {1}: the guest must run to change what its tools report.', vm.name_label, vm.power_state), facts);
  if (current === PRESENTED_VERSION) return refuse(l10n.t('{0} already reports {1}: nothing to do.', vm.name_label, PRESENTED_VERSION), facts);

  if (kind === 'windows') {
    return {
      ...base,
      target,
      summary: l10n.t('{0} runs Windows: XCP Admin opens a .cmd script to run in the guest as Administrator (registry values, then a restart of the xensvc service), then waits for the guest to report {1}. {2}', vm.name_label, PRESENTED_VERSION, runbookTableNote()),
      facts,
      steps: [verifyStep(vm.name_label, vm.uuid, vm.guest_metrics, 15 * 60_000, l10n.t('After the script runs in the guest, the tools report their version to XAPI.'))],
      guestScript: { file: 'xcp-admin-guest-tools.cmd', text: windowsToolsScript(vm.name_label) },
    };
  }
  const address = guestAddress(gm.networks);
  if (!address) return refuse(l10n.t('{0}\'s agent reports no IP address: the guest cannot be reached over SSH. Run the change in its console: {1}; {2}', vm.name_label, sedCommand(), GUEST_ATTRS_SCRIPT), facts);
  facts.push(l10n.t('Its agent reports the IP address {0} (networks/0/ip).', address));
  // The address comes from the guest (a pool user controls it): root's login must not go to a dom0.
  if (poolHostAddresses(model).has(address.toLowerCase())) return refuse(l10n.t('{0}\'s agent reports {1}, which is an address of a host of this pool: XCP Admin will not log in as root there for a guest. Check the guest\'s network in its console.', vm.name_label, address), facts);
  const guest: HostTarget = { name: vm.name_label, uuid: vm.uuid, address, outsidePool: true };
  return {
    ...base,
    target,
    summary: l10n.t('Over SSH to {0} ({1}, as root): set the version in {2} to {3}/{4}/{5} (the original is kept once as {6}.orig), run it, and read the version back from XAPI.', vm.name_label, address, GUEST_ATTRS_SCRIPT, MAJOR, MINOR, MICRO, GUEST_ATTRS_SCRIPT),
    facts,
    steps: [
      {
        id: 'edit',
        title: l10n.t('Set the version in {0}', GUEST_ATTRS_SCRIPT),
        why: l10n.t('The script writes the tools version to xenstore, where XAPI reads it. XCP Admin logs in as root at {0}, the address the guest\'s agent reports.', address),
        destructive: true,
        confirmObject: { ...target, name: `${vm.name_label} — root@${address}` },
        action: { kind: 'shell', host: guest, command: sedCommand() },
        check: l10n.t('the script writes {0}, {1} and {2}', MAJOR, MINOR, MICRO),
      },
      {
        id: 'report',
        title: l10n.t('Run {0} now', GUEST_ATTRS_SCRIPT),
        why: l10n.t('Otherwise the guest reports on its own within about two minutes.'),
        destructive: false,
        action: { kind: 'shell', host: guest, command: sh`${GUEST_ATTRS_SCRIPT}` },
      },
      verifyStep(vm.name_label, vm.uuid, vm.guest_metrics, 150_000, l10n.t('The guest agent reports the version it just wrote.')),
    ],
  };
}

function sedCommand(): string {
  const edits = [
    `s/MajorVersion" "[0-9]*"/MajorVersion" "${MAJOR}"/`,
    `s/MinorVersion" "[0-9]*"/MinorVersion" "${MINOR}"/`,
    `s/MicroVersion" "[0-9]*"/MicroVersion" "${MICRO}"/`,
  ];
  return sh`[ -e ${ORIGINAL_COPY} ] || cp -p ${GUEST_ATTRS_SCRIPT} ${ORIGINAL_COPY}; sed -i -e ${edits[0]} -e ${edits[1]} -e ${edits[2]} ${GUEST_ATTRS_SCRIPT} && grep -E 'Major|Minor|Micro' ${GUEST_ATTRS_SCRIPT}`;
}
