// Which kind of guest a VM is, as its agent reports it (`VM_guest_metrics.os_version`): the tree shows
// it and gives the row its context value, and H3 picks its path by it (SSH for Linux, a script for
// Windows), so the rule lives here, below both. No vscode import.

export type GuestKind = 'linux' | 'windows' | 'unknown';

/** Windows when the agent's distro or name says so, Linux for any other report, unknown without one. */
export function guestKind(os: Record<string, string> | undefined): GuestKind {
  if (!os || Object.keys(os).length === 0) return 'unknown';
  return /windows/i.test(`${os.distro ?? ''} ${os.name ?? ''}`) ? 'windows' : 'linux';
}
