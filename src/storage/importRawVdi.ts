// XAPI's own way to put raw bytes into a VDI: HTTP PUT /import_raw_vdi?session_id=…&vdi=…&format=raw
// (XCP 1.x and XenServer 5.5 on, which ignore `format`; XCP-ng). No SSH and no LV handling, and it works on VHD-based SRs too:
// the storage manager writes the bytes. The master may redirect to the host that sees the SR; the
// redirect comes before the body (100-continue), so the same source stream goes to the next host.
// No vscode import.

import type { Readable } from 'node:stream';
import { Endpoint, UploadError } from '../xapi/http';
import { hostPortOf } from '../xapi/session';
import type { CertificatePolicy } from '../xapi/tls';
import { StreamMeter, type RelayProgress, type RelayResult } from './relay';
import { l10n } from '../text/l10n';

const MAX_REDIRECTS = 3;

export class ImportRawVdiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function explain(status: number, body: string, url: string): string {
  if (status === 404) return l10n.t('{0} has no import_raw_vdi handler (HTTP 404): XenServer 5.5 and later, XCP 1.x and XCP-ng have it, so this may not be a XAPI master. Use the dd relay into the LV instead (LVM SRs, raw VDIs).', url);
  if (status === 401 || status === 403) return l10n.t('The server refused the session for import_raw_vdi (HTTP {0}): log in again and retry.', status);
  return l10n.t('import_raw_vdi answered HTTP {0}: {1}', status, body.trim().slice(0, 200) || l10n.t('no detail'));
}

export async function importRawVdi(opts: {
  baseUrl: URL;
  sessionRef: string;
  vdiRef: string;
  certificates?: CertificatePolicy;
  /** Addresses of the pool's hosts: the only places a redirect (which carries the session id) may lead. */
  members: readonly string[];
  source: Readable;
  bytes: number;
  onProgress?(p: RelayProgress): void;
  signal?: AbortSignal;
  /** Longest silence on the upload (no byte accepted, no answer); default 120 s. */
  idleTimeoutMs?: number;
}): Promise<RelayResult & { host: string }> {
  const meter = new StreamMeter(opts.bytes, opts.onProgress);
  const body = opts.source.pipe(meter);
  opts.source.on('error', (e) => meter.destroy(e));
  let url = new URL(`/import_raw_vdi?session_id=${encodeURIComponent(opts.sessionRef)}&vdi=${encodeURIComponent(opts.vdiRef)}&format=raw`, opts.baseUrl);
  for (let hop = 0; ; hop++) {
    const pin = url.protocol === 'https:' ? await opts.certificates?.pinFor(hostPortOf(url)) : undefined;
    const endpoint = new Endpoint({ url: new URL('/', url), pin, idleTimeoutMs: opts.idleTimeoutMs ?? 120_000 });
    try {
      const answer = await endpoint.putStream(url.pathname + url.search, body, opts.bytes, { signal: opts.signal, idleTimeoutMs: opts.idleTimeoutMs });
      if (answer.status >= 300 && answer.status < 400 && answer.location && !answer.bodySent && hop < MAX_REDIRECTS) {
        url = checkedRedirect(url, answer.location, answer.status, opts.members);
        continue;
      }
      if (answer.status !== 200) throw new ImportRawVdiError(answer.status, explain(answer.status, answer.body.toString('utf8'), url.origin));
      if (meter.bytes !== opts.bytes) throw new UploadError('source', meter.bytes, l10n.t('the source ended after {0} of {1} bytes', meter.bytes, opts.bytes));
      return { ...meter.result(), host: url.hostname };
    } finally {
      endpoint.destroy();
    }
  }
}

/**
 * The next URL of a redirect, which carries the session id: only to a host of this pool, over the same
 * scheme (https, so the host's pinned certificate is checked before the id goes out).
 */
function checkedRedirect(from: URL, location: string, status: number, members: readonly string[]): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new ImportRawVdiError(status, l10n.t('import_raw_vdi redirected to an unreadable address ({0}): refused.', JSON.stringify(location.slice(0, 200))));
  }
  if (next.protocol !== from.protocol) throw new ImportRawVdiError(status, l10n.t('import_raw_vdi redirected from {0} to {1}: refused, the session id would travel unprotected.', from.protocol, next.protocol));
  const host = next.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!members.includes(host)) {
    throw new ImportRawVdiError(status, l10n.t('import_raw_vdi redirected to {0}, which is not a host of this pool: refused, the redirect carries the session id. Nothing was written.', next.host));
  }
  return next;
}
