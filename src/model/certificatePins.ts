// Which pinned TLS certificates belong to a pool: its own URL's host:port and each member's address on
// the same scheme and port (members are reached as the master is, memberUrl). "Forget Pinned
// Certificates" forgets exactly these; a pool on port 8443 has its members' pins on 8443, not 443.

import { hostPortOf } from '../xapi/session';
import { memberUrl } from './masterProbe';
import { normalizePoolUrl } from './poolConnection';

export function poolCertificateHostPorts(poolUrl: string, memberAddresses: readonly string[]): string[] {
  const base = normalizePoolUrl(poolUrl);
  const out = new Set([hostPortOf(base)]);
  for (const address of memberAddresses) if (address) out.add(hostPortOf(memberUrl(base, address)));
  return [...out];
}
