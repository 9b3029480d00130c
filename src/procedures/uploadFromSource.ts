// S2 through XAPI's HTTP import_raw_vdi: the source's bytes (dd over SSH, or a local file) into a VDI.
// When it stops, the error says which end failed and how many bytes had gone in: a source that died or
// ended short is the source's failure (its dd's exit status when it has one), a refusal or a broken
// connection is the pool's. No vscode import.

import { importRawVdi } from '../storage/importRawVdi';
import type { RelayProgress, RelayResult } from '../storage/relay';
import type { CertificatePolicy } from '../xapi/tls';
import { UploadError } from '../xapi/http';
import { describeSource, type StepAction } from './plan';
import type { SshExecutors } from './sshExecutor';
import { l10n } from '../text/l10n';

type UploadAction = Extract<StepAction, { kind: 'upload' }>;

export interface HttpAccess {
  baseUrl: URL;
  sessionRef: string;
  certificates: CertificatePolicy;
  members: readonly string[];
}

/** How long a source that failed gets to report its exit status. */
const SOURCE_EXIT_WAIT_MS = 3_000;

export async function uploadFromSource(
  openSource: SshExecutors['openSource'],
  access: HttpAccess,
  action: UploadAction,
  signal: AbortSignal | undefined,
  onProgress: (p: RelayProgress) => void,
): Promise<RelayResult & { host: string }> {
  const src = await openSource(action.source, signal);
  const source = describeSource(action.source);
  let result: RelayResult & { host: string };
  try {
    result = await importRawVdi({ ...access, vdiRef: action.vdi.ref, source: src.stream, bytes: action.bytes, onProgress, signal });
  } catch (err) {
    src.stream.destroy();
    if (!(err instanceof UploadError)) throw err;
    if (err.end === 'target') throw new UploadError('target', err.bytesSent, l10n.t('the pool stopped taking the bytes for VDI {0} after {1} of {2}: {3}', action.vdi.name, err.bytesSent, action.bytes, err.message), err);
    const exit = await Promise.race([src.done.catch(() => undefined), new Promise<undefined>((r) => setTimeout(() => r(undefined), SOURCE_EXIT_WAIT_MS))]);
    const status = exit && exit.code !== 0 ? l10n.t(' (its dd ended with exit status {0}{1})', exit.code ?? l10n.t('none: killed'), exit.stderr.trim() ? `: ${exit.stderr.trim().split('\n').slice(-1)[0]}` : '') : '';
    throw new UploadError('source', err.bytesSent, l10n.t('the source {0} failed{1}: {2}; {3} of {4} bytes went into VDI {5}.', source, status, err.message, err.bytesSent, action.bytes, action.vdi.name), err);
  }
  const exit = await src.done;
  if (exit && exit.code !== 0) throw new UploadError('source', result.bytes, l10n.t('the source {0}: dd ended with exit status {1} although all {2} bytes went in; check the image on its host.', source, exit.code ?? l10n.t('none'), result.bytes));
  return result;
}
