// What XenCenter sees of a host's and a guest's version (runbook H2, H3). XenCenter judges an XCP 1.x
// host by the XenServer version it reports and turns off dynamic memory, snapshots and live migration
// unless that is 6.0.99; next to such a host it calls guest tools that report another version out of
// date. The tree flags what XenCenter would see and the H2 / H3 plans make hosts and guests report
// PRESENTED_VERSION, so these facts live here, below both. Which pools need the presentation at all is
// a release fact (`needsXenCenterPresentation` in release.ts). No vscode import.

/** The XenServer version an XCP 1.x host and its guests' tools must report to XenCenter. */
export const PRESENTED_VERSION = '6.0.99';

/** "XCP 1.4.90", "XenServer 6.0.99": the brand and version a host's `software_version` reports. */
export function hostVersionLabel(softwareVersion: Record<string, string>): string {
  const brand = softwareVersion.product_brand ?? softwareVersion.platform_name ?? '';
  const version = softwareVersion.product_version ?? softwareVersion.platform_version ?? softwareVersion.xapi ?? '';
  return [brand, version].filter(Boolean).join(' ');
}

/** True when the host already reports the version XenCenter wants (H2 done, by file or binary patch). */
export function hostReportsPresentedVersion(softwareVersion: Record<string, string>): boolean {
  return softwareVersion.product_version === PRESENTED_VERSION;
}

/** "6.0.99": the version a guest's tools report (`VM_guest_metrics.PV_drivers_version`), undefined when they report none. */
export function guestToolsVersion(pvDriversVersion: Record<string, string> | undefined): string | undefined {
  return pvDriversVersion?.major !== undefined ? `${pvDriversVersion.major}.${pvDriversVersion.minor}.${pvDriversVersion.micro}` : undefined;
}
