// S2's first questions, the same for Import Raw Disk Image (on an SR) and Write Raw Image (on a VDI):
// where the image is, and its size read from there; and the one set of SSH connections a whole import
// uses (size, create, write), so each host is asked for its key and password once.

import * as vscode from 'vscode';
import type { ByteSource, HostTarget } from '../../procedures/plan';
import { sourceSize, sshExecutors, type SshExecutors } from '../../procedures/sshExecutor';
import { describeError } from '../../xapi/errors';
import type { ProcedureCommandDeps } from '../runProcedure';
import { sshOptions } from '../ssh/sshOptions';

/** Asks where the image is: a file on a host over SSH (any host; the pool's jump host applies) or on this machine. */
export async function pickSource(): Promise<ByteSource | undefined> {
  const where = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('A file on a host, over SSH'), detail: vscode.l10n.t('Any host this machine (or the pool\'s jump host) reaches; it need not see the pool.'), where: 'ssh' as const },
      { label: vscode.l10n.t('A file on this machine'), where: 'local' as const },
    ],
    { title: vscode.l10n.t('Import a raw disk image: where is the image?') },
  );
  if (!where) return undefined;
  if (where.where === 'local') {
    const picked = await vscode.window.showOpenDialog({ title: vscode.l10n.t('The raw image to import'), canSelectMany: false, openLabel: vscode.l10n.t('Import') });
    return picked?.[0] ? { kind: 'local', path: picked[0].fsPath } : undefined;
  }
  const address = await vscode.window.showInputBox({
    title: vscode.l10n.t('Import a raw disk image: the source host'), prompt: vscode.l10n.t('Host name or address (SSH as root)'), ignoreFocusOut: true,
    validateInput: (v) => (/^[A-Za-z0-9._:-]+$/.test(v.trim()) ? undefined : vscode.l10n.t('A host name or an IP address')),
  });
  if (!address) return undefined;
  const path = await vscode.window.showInputBox({
    title: vscode.l10n.t('Import a raw disk image: the file on {0}', address.trim()), prompt: vscode.l10n.t('Absolute path of the image'), ignoreFocusOut: true,
    validateInput: (v) => (v.startsWith('/') && !v.includes('\n') ? undefined : vscode.l10n.t('An absolute path')),
  });
  if (!path) return undefined;
  const host: HostTarget = { name: address.trim(), uuid: '', address: address.trim(), outsidePool: true };
  return { kind: 'ssh', host, path };
}

/** The image's size in bytes, read where it is; undefined after telling the admin why not. */
export async function readSize(ssh: SshExecutors, source: ByteSource): Promise<number | undefined> {
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading the size of the image…') }, () => sourceSize(ssh, source));
  } catch (err) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Cannot read the image\'s size: {0}', describeError(err)));
    return undefined;
  }
}

/** One set of SSH connections for a whole import (size, create, write): each host is asked for once. */
export async function withSsh(deps: ProcedureCommandDeps, pool: string, fn: (ssh: SshExecutors) => Promise<void>): Promise<void> {
  const ssh = sshExecutors((host) => sshOptions(deps.ssh, pool, host.address, host.outsidePool));
  try {
    await fn(ssh);
  } finally {
    ssh.close();
  }
}
