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

export const GUEST_ATTRS_SCRIPT = '/usr/sbin/xe-update-guest-attrs';
const ORIGINAL_COPY = `${GUEST_ATTRS_SCRIPT}.orig`;
const [MAJOR, MINOR, MICRO] = PRESENTED_VERSION.split('.');

export const RUNBOOK_TABLE_NOTE =
  `The runbook's Windows table gives MinorVersion 99 and MicroVersion 0, which reads 6.99.0; the tools must report ${PRESENTED_VERSION} (Major ${MAJOR}, Minor ${MINOR}, Micro ${MICRO}), and that is what is used here.`;

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
    title: `Read ${vmName}'s tools version back from XAPI`,
    why,
    destructive: false,
    action: { kind: 'xapi', method: 'VM_guest_metrics.get_PV_drivers_version', args: [gmRef], xe: `xe vm-param-get uuid=${vmUuid} param-name=PV-drivers-version` },
    check: `PV_drivers_version reads ${PRESENTED_VERSION}`,
    expect: (v) => {
      const got = guestToolsVersion(v as Record<string, string>);
      return got === PRESENTED_VERSION ? undefined : `the guest reports ${got ?? 'no version'}, not ${PRESENTED_VERSION}`;
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
    `rem ${RUNBOOK_TABLE_NOTE}`,
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
  const base = { procedure: 'H3', title: `Guest tools report ${PRESENTED_VERSION}` };
  const refuse = (refusal: string, facts: string[] = []): Plan => refusedPlan(base, target, refusal, facts);
  if (!vm) return refuse('This VM is no longer in the pool.');
  if (!isUuid(vm.uuid)) return refuse(`XAPI gave the VM a malformed uuid (${vm.uuid}); refusing to act on it.`);
  const gm = model.get('VM_guest_metrics', vm.guest_metrics);
  const facts: string[] = [];
  if (!gm) return refuse(`${vm.name_label} has no guest metrics: the tools are not installed or the guest never ran them. Install the tools first.`, [`${vm.name_label}: guest_metrics is empty.`]);
  const kind = force ?? guestKind(gm.os_version);
  const current = guestToolsVersion(gm.PV_drivers_version);
  facts.push(`${vm.name_label} reports tools ${current ?? 'without a version'} (VM_guest_metrics.PV_drivers_version), OS "${gm.os_version.name ?? gm.os_version.distro ?? 'unknown'}".`);
  if (vm.power_state !== 'Running') return refuse(`${vm.name_label} is ${vm.power_state}: the guest must run to change what its tools report.`, facts);
  if (current === PRESENTED_VERSION) return refuse(`${vm.name_label} already reports ${PRESENTED_VERSION}: nothing to do.`, facts);

  if (kind === 'windows') {
    return {
      ...base,
      target,
      summary: `${vm.name_label} runs Windows: XCP Admin opens a .cmd script to run in the guest as Administrator (registry values, then a restart of the xensvc service), then waits for the guest to report ${PRESENTED_VERSION}. ${RUNBOOK_TABLE_NOTE}`,
      facts,
      steps: [verifyStep(vm.name_label, vm.uuid, vm.guest_metrics, 15 * 60_000, 'After the script runs in the guest, the tools report their version to XAPI.')],
      guestScript: { file: 'xcp-admin-guest-tools.cmd', text: windowsToolsScript(vm.name_label) },
    };
  }
  const address = guestAddress(gm.networks);
  if (!address) return refuse(`${vm.name_label}'s agent reports no IP address: the guest cannot be reached over SSH. Run the change in its console: ${sedCommand()}; ${GUEST_ATTRS_SCRIPT}`, facts);
  facts.push(`Its agent reports the IP address ${address} (networks/0/ip).`);
  // The address comes from the guest (a pool user controls it): root's login must not go to a dom0.
  if (poolHostAddresses(model).has(address.toLowerCase())) return refuse(`${vm.name_label}'s agent reports ${address}, which is an address of a host of this pool: XCP Admin will not log in as root there for a guest. Check the guest's network in its console.`, facts);
  const guest: HostTarget = { name: vm.name_label, uuid: vm.uuid, address, outsidePool: true };
  return {
    ...base,
    target,
    summary: `Over SSH to ${vm.name_label} (${address}, as root): set the version in ${GUEST_ATTRS_SCRIPT} to ${MAJOR}/${MINOR}/${MICRO} (the original is kept once as ${GUEST_ATTRS_SCRIPT}.orig), run it, and read the version back from XAPI.`,
    facts,
    steps: [
      {
        id: 'edit',
        title: `Set the version in ${GUEST_ATTRS_SCRIPT}`,
        why: `The script writes the tools version to xenstore, where XAPI reads it. XCP Admin logs in as root at ${address}, the address the guest's agent reports.`,
        destructive: true,
        confirmObject: { ...target, name: `${vm.name_label} — root@${address}` },
        action: { kind: 'shell', host: guest, command: sedCommand() },
        check: `the script writes ${MAJOR}, ${MINOR} and ${MICRO}`,
      },
      {
        id: 'report',
        title: `Run ${GUEST_ATTRS_SCRIPT} now`,
        why: 'Otherwise the guest reports on its own within about two minutes.',
        destructive: false,
        action: { kind: 'shell', host: guest, command: sh`${GUEST_ATTRS_SCRIPT}` },
      },
      verifyStep(vm.name_label, vm.uuid, vm.guest_metrics, 150_000, 'The guest agent reports the version it just wrote.'),
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
