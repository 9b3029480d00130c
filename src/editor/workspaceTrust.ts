// Restricted Mode, said in the tree: in a workspace the admin has not trusted, VS Code hides the
// workspace's restricted settings (package.json `restrictedConfigurations`: the pools, the SSH key)
// from the extension, which then reads the user's own. So that the admin is not left wondering why a
// folder's pools are missing, the tree shows a row above the pools when the workspace's settings files
// set one of those settings; clicking it opens VS Code's Manage Workspace Trust. Once trusted, VS Code
// hands the workspace's settings over (a configuration change: the pools reload) and the row goes.

import * as vscode from 'vscode';
import { settingsKeys } from '../text/settingsKeys';
import type { PoolTreeProvider } from '../tree/poolTreeProvider';

/** The settings files of the open workspace: each folder's `.vscode/settings.json` and a `.code-workspace` file. */
function settingsFiles(): vscode.Uri[] {
  const files = (vscode.workspace.workspaceFolders ?? []).map((f) => vscode.Uri.joinPath(f.uri, '.vscode', 'settings.json'));
  const workspaceFile = vscode.workspace.workspaceFile;
  if (workspaceFile && workspaceFile.scheme !== 'untitled') files.push(workspaceFile);
  return files;
}

/** The restricted settings the workspace's files set (read for their keys only: no value is used). */
async function restrictedSetHere(restricted: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const file of settingsFiles()) {
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    } catch {
      continue; // no such file
    }
    const keys = settingsKeys(text);
    for (const k of restricted) if (keys.has(k)) found.add(k);
  }
  return restricted.filter((k) => found.has(k));
}

export function registerWorkspaceTrustNotice(tree: PoolTreeProvider, extension: vscode.Extension<unknown>): vscode.Disposable[] {
  // The list VS Code itself applies, from the manifest: a setting restricted later is covered here too.
  const manifest = extension.packageJSON as { capabilities?: { untrustedWorkspaces?: { restrictedConfigurations?: string[] } } };
  const restricted = manifest.capabilities?.untrustedWorkspaces?.restrictedConfigurations ?? [];
  let generation = 0;
  const update = async (): Promise<void> => {
    const mine = ++generation;
    const set = vscode.workspace.isTrusted ? [] : await restrictedSetHere(restricted);
    if (mine !== generation) return; // a newer update is on its way
    tree.setWorkspaceNotice(set.length === 0 ? undefined
      : set.includes('xcpAdmin.pools') ? vscode.l10n.t('Pools listed by this workspace are ignored until you trust it')
      : vscode.l10n.t('This workspace sets {0}: ignored until you trust it', set.join(', ')));
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/.vscode/settings.json');
  const onFile = (): void => void update();
  void update();
  return [
    watcher,
    watcher.onDidCreate(onFile),
    watcher.onDidChange(onFile),
    watcher.onDidDelete(onFile),
    vscode.workspace.onDidGrantWorkspaceTrust(onFile),
    vscode.workspace.onDidChangeWorkspaceFolders(onFile),
  ];
}
