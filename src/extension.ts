// Composition root: builds the objects and registers them with VS Code. No decisions here.

import * as vscode from 'vscode';
import { PoolRegistry } from './model/poolRegistry';
import { demoPasswords, importDemoCertificates } from './editor/demoSimulator';
import { registerPoolCommands } from './editor/poolCommands';
import { registerShellCommands } from './editor/shellCommands';
import { registerMasterCommands } from './editor/masterCommands';
import { registerProcedureCommands } from './editor/procedureCommands';
import { registerStorageCommands } from './editor/storageCommands';
import { registerVersionCommands } from './editor/versionCommands';
import { Journal } from './procedures/journal';
import { SshHostKeyStore } from './editor/sshHostKeys';
import { affectsPools, readPoolEntries } from './editor/poolSettings';
import { PasswordStore } from './editor/secrets';
import { TlsTrustStore } from './editor/tlsTrustStore';
import { PoolTreeProvider } from './tree/poolTreeProvider';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const activatedAt = performance.now();
  const log = vscode.window.createOutputChannel(vscode.l10n.t('XCP Admin'), { log: true });
  const passwords = new PasswordStore(context.secrets);
  const tls = new TlsTrustStore(context.globalState);
  // The demo passwords (npm start, e2e; loopback pools only) go into SecretStorage as a typed password
  // would, while the pools already connect with them: a SecretStorage round trip is the slowest thing
  // in the first second of an editor that is still starting.
  let demo = new Map<string, string>();
  const registry = new PoolRegistry({
    password: async (pool) => demo.get(pool) ?? passwords.get(pool),
    tls,
    masterMoved: (pool, address) => log.info(`${pool}: the pool master is now ${address} (learned from HOST_IS_SLAVE)`),
  });
  const tree = new PoolTreeProvider(registry);
  tree.onFirstSettledRender(() =>
    log.info(`first tree render: ${registry.names().length} pools drawn connected or failed ${Math.round(performance.now() - activatedAt)} ms after activation`),
  );
  const view = vscode.window.createTreeView('xcpAdmin.pools', { treeDataProvider: tree, showCollapseAll: true });
  tree.setVisible(view.visible);

  const loadPools = async (): Promise<void> => {
    const { entries, problems } = readPoolEntries();
    for (const p of problems) log.warn(p);
    if (problems.length) void vscode.window.showWarningMessage(problems.length > 1
      ? vscode.l10n.t('XCP Admin: {0} (and {1} more, see the XCP Admin output)', problems[0], problems.length - 1)
      : vscode.l10n.t('XCP Admin: {0}', problems[0]));
    const since = () => Math.round(performance.now() - activatedAt);
    const fromSettings = (demo = demoPasswords(entries, (line) => log.warn(line)));
    void Promise.all([...fromSettings].map(([pool, password]) => passwords.set(pool, password))).then(
      () => {
        if (demo === fromSettings) demo = new Map(); // stored: from now on SecretStorage answers (Edit Pool included)
        log.info(`demo passwords in SecretStorage (${since()} ms after activation)`);
      },
      (err) => log.warn(`demo passwords: ${String(err)}`),
    );
    // The pins must be in place before the first TLS contact: a Memento holds an update at once (the
    // promise is its write to disk), so the connections may start while it is written.
    void importDemoCertificates(tls, (line) => log.warn(line)).then(
      () => log.info(`demo certificates pinned (${since()} ms after activation)`),
      (err) => log.warn(`demo certificates: ${String(err)}`),
    );
    log.info(`connecting ${entries.length} pools (${Math.round(performance.now() - activatedAt)} ms after activation)`);
    registry.setEntries(entries);
  };

  const ssh = { registry, passwords, hostKeys: new SshHostKeyStore(context.globalState) };
  const procedures = { registry, journal: new Journal(context.globalStorageUri.fsPath), ssh };
  context.subscriptions.push(
    log,
    { dispose: () => registry.dispose() },
    tree,
    view,
    view.onDidChangeVisibility((e) => tree.setVisible(e.visible)),
    ...registerPoolCommands({ registry, passwords, tls }),
    ...registerProcedureCommands(procedures),
    ...registerMasterCommands(procedures),
    ...registerShellCommands(ssh),
    ...registerVersionCommands(procedures),
    ...registerStorageCommands({ ...procedures, extensionUri: context.extensionUri }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsPools(e)) void loadPools();
    }),
    registry.onDidChange((e) => {
      if (e.kind === 'state' && e.state.kind === 'failed') log.warn(`${e.pool}: ${e.state.message}`);
      if (e.kind === 'state' && e.state.kind === 'connected' && e.state.masterLost) log.warn(`${e.pool}: the master ${e.state.masterAddress} does not answer; slaves do (H4 applies)`);
      else if (e.kind === 'state' && e.state.kind === 'connected') log.info(`${e.pool}: connected to ${e.state.masterAddress} over ${e.state.transport} (${Math.round(performance.now() - activatedAt)} ms after activation)`);
    }),
  );
  await loadPools();
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
