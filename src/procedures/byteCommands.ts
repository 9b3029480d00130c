// The shell commands behind the byte steps (the dd relay's two ends, the checksum of each end), built in
// one place so that the pre-flight builds exactly what the executors will run, and the rules that say
// whether a checksum reading counts. A checksum must never pass on nothing: under `pipefail` a reader
// that fails fails the command, dd's own count of the bytes it read must be the N asked for, and the
// hash of the empty stream is never accepted for N > 0. No vscode import.

import { sh, raw } from '../shell/quote';
import type { ByteSource, ByteTarget, StepAction } from './plan';
import { l10n } from '../text/l10n';

export const BLOCK = '4M';

/** SHA-256 of zero bytes: what `sha256sum` prints for a reader that produced nothing. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** The largest power-of-two block (≤ 1 MiB) that divides `bytes`, so dd reads exactly `bytes` with `count`. */
export function blockFor(bytes: number): number {
  let b = 1 << 20;
  while (b > 1 && bytes % b !== 0) b >>= 1;
  return b;
}

/** dd on the source end of a relay: the whole file or device to stdout. */
export function relaySourceCommand(source: Extract<ByteSource, { kind: 'ssh' }>): string {
  return sh`dd if=${source.path} bs=${raw(BLOCK)} 2>/dev/null`;
}

/** dd on the target end of a relay; conv=fsync makes its exit mean "on the device". */
export function relayTargetCommand(target: ByteTarget): string {
  return sh`dd of=${target.device} bs=${raw(BLOCK)} conv=notrunc,fsync 2>&1`;
}

/**
 * SHA-256 of the first `bytes` bytes of `path`, read by dd with an exact count (dd prints how many bytes it
 * read on stderr, in the C locale). With `activate`, the LV is activated before and deactivated after,
 * whatever the read gave (an LV the storage manager wrote through XAPI is not active on this host).
 */
export function checksumCommand(path: string, bytes: number, activate = false): string {
  const b = blockFor(bytes);
  const read = sh`dd if=${path} bs=${b} count=${bytes / b} | sha256sum`;
  const prologue = 'set -o pipefail; export LC_ALL=C; ';
  if (!activate) return prologue + read;
  return prologue + sh`lvchange -ay ${path} || exit 3; ` + read + sh`; rc=$?; lvchange -an ${path}; exit $rc`;
}

/** Every shell command a byte step will run, built now (a value that cannot go into a command throws). */
export function byteCommands(action: Exclude<StepAction, { kind: 'xapi' | 'shell' }>): string[] {
  const cmds: string[] = [];
  if (action.source.kind === 'ssh') cmds.push(action.kind === 'checksum' ? checksumCommand(action.source.path, action.bytes) : relaySourceCommand(action.source));
  if (action.kind === 'relay') cmds.push(relayTargetCommand(action.target));
  if (action.kind === 'checksum') cmds.push(checksumCommand(action.target.device, action.bytes, action.target.activate));
  return cmds;
}

/** What reading one end gave: its hash and dd's count, or why it could not be read. */
export type EndReading = { sha256: string; bytes: number } | { unreadable: string };

/** Reads `sha256sum`'s line and dd's byte count from a checksum command's exit status and output. */
export function readingOf(code: number | null, stdout: string, stderr: string): EndReading {
  const counted = [...stderr.matchAll(/^(\d+) bytes\b/gm)].at(-1);
  const sha = /^([0-9a-f]{64})\b/m.exec(stdout);
  const said = stderr.split('\n').filter((l) => l.trim() && !/records (in|out)$|^\d+ bytes\b/.test(l)).slice(-2).join(' ').trim();
  if (code !== 0) {
    const status = code === null ? l10n.t('exit status none') : l10n.t('exit status {0}', code);
    return { unreadable: said ? `${status}: ${said}` : status };
  }
  if (!sha) return { unreadable: said ? l10n.t('sha256sum printed no checksum: {0}', said) : l10n.t('sha256sum printed no checksum') };
  if (!counted) return { unreadable: said ? l10n.t('dd did not say how many bytes it read: {0}', said) : l10n.t('dd did not say how many bytes it read') };
  return { sha256: sha[1], bytes: Number(counted[1]) };
}

/** Why this end's reading does not count for `bytes` bytes (undefined when it does). */
export function readingProblem(end: string, reading: EndReading, bytes: number): string | undefined {
  if ('unreadable' in reading) return l10n.t('could not read {0}: {1}', end, reading.unreadable);
  if (reading.bytes !== bytes) return l10n.t('could not read {0}: {1} of {2} bytes were there', end, reading.bytes, bytes);
  if (bytes > 0 && reading.sha256 === EMPTY_SHA256) return l10n.t('could not read {0}: it hashed as the empty stream', end);
  return undefined;
}
