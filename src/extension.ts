// Composition root: builds the objects and registers them with VS Code. No decisions here.

import * as vscode from 'vscode';
import { PoolRegistry } from './model/poolRegistry';
import { demoPasswords, importDemoCertificates } from './editor/demoSimulator';
import { registerDeclareVmsHalted } from './editor/host/declareVmsHalted';
import { registerForgetHost } from './editor/host/forget';
import { registerMakeMaster } from './editor/host/makeMaster';
import { registerOpenRootShell } from './editor/host/openRootShell';
import { registerPresentVersion } from './editor/host/presentVersion';
import { registerUndoVersion } from './editor/host/undoVersion';
import { registerOpenJournal } from './editor/journal/open';
import { registerAddPool } from './editor/pool/add';
import { registerConnectPool } from './editor/pool/connect';
import { registerDisconnectPool } from './editor/pool/disconnect';
import { registerEditPool } from './editor/pool/edit';
import { registerForgetCertificate } from './editor/pool/forgetCertificate';
import { registerRecoverMaster } from './editor/pool/recoverMaster';
import { registerRecoverSlaves } from './editor/pool/recoverSlaves';
import { registerRemovePool } from './editor/pool/remove';
import { registerCopyUuid } from './editor/row/copyUuid';
import { registerGrowOnline } from './editor/sr/growOnline';
import { registerImportRawImage } from './editor/sr/importRawImage';
import { registerReattach } from './editor/sr/reattach';
import { registerRepair } from './editor/sr/repair';
import { registerForgetHostKeys } from './editor/ssh/forgetHostKeys';
import { registerCopyDevicePath } from './editor/vdi/copyDevicePath';
import { registerMakeVm } from './editor/vdi/makeVm';
import { registerWriteRawImage } from './editor/vdi/writeRawImage';
import { registerGuestTools } from './editor/vm/guestTools';
import { registerVmStart } from './editor/vm/start';
import { registerVmShutdown } from './editor/vm/shutdown';
import { registerVmReboot } from './editor/vm/reboot';
import { registerVmSuspend } from './editor/vm/suspend';
import { registerVmMigrate } from './editor/vm/migrate';
import { registerVmSnapshot } from './editor/vm/snapshot';
import { registerVmMemory } from './editor/vm/memory';
import { registerSnapshotRevert } from './editor/snapshot/revert';
import { registerSnapshotDelete } from './editor/snapshot/delete';
import { registerHostMaintenance } from './editor/host/maintenance';
import { registerHostPower } from './editor/host/power';
import { registerHealth } from './editor/health';
import { registerDeclareVmHalted } from './editor/vm/declareHalted';
import { registerPlanExport } from './editor/plan/exportRunbook';
import { PlanDocuments } from './editor/plan/planDocuments';
import { Journal } from './procedures/journal';
import { SshHostKeyStore } from './editor/sshHostKeys';
import { affectsPools, readPoolEntries, userSettingsPoolEntries } from './editor/poolSettings';
import { PasswordStore } from './editor/secrets';
import { TlsTrustStore } from './editor/tlsTrustStore';
import { PoolTreeProvider } from './tree/poolTreeProvider';
import { registerFilter } from './editor/view/filter';
import { registerRefresh } from './editor/view/refresh';
import { registerShowRecord } from './editor/any/showRecord';
import { registerStatusBar } from './editor/statusBar';
import { registerWorkspaceTrustNotice } from './editor/workspaceTrust';
import { useTranslator } from './text/l10n';
import { DemoPools, registerDemoFleet } from './editor/demo/demoFleet';

const demoKey = (name: string, url: string): string => `${name}\n${url}`;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const activatedAt = performance.now();
  // Editor-free code (plans, runner, tree rows, errors) speaks through src/text/l10n.ts: hand it the editor's translator first.
  context.subscriptions.push({ dispose: useTranslator(vscode.l10n) });
  const log = vscode.window.createOutputChannel(vscode.l10n.t('XCP Admin'), { log: true });
  const passwords = new PasswordStore(context.secrets);
  const tls = new TlsTrustStore(context.globalState);
  // The demo passwords (npm start, e2e; loopback pools only) go into SecretStorage as a typed password
  // would, while the pools already connect with them: a SecretStorage round trip is the slowest thing
  // in the first second of an editor that is still starting.
  let demo = new Map<string, string>();
  // Passwords stored under a pool's name alone (before 0.9) are bound to its address once per start; the
  // pools connect meanwhile, and only a password read from SecretStorage waits for that to finish.
  let legacyMigration: Promise<void> | undefined;
  const registry = new PoolRegistry({
    password: async (name, url) => demo.get(demoKey(name, url)) ?? (await legacyMigration, passwords.get({ name, url })),
    tls,
    masterMoved: (pool, address) => log.info(`${pool}: the pool master is now ${address} (learned from HOST_IS_SLAVE)`),
  });
  const demoPools = new DemoPools();
  const tree = new PoolTreeProvider(registry);
  tree.onFirstSettledRender(() =>
    log.info(`first tree render: ${registry.names().length} pools drawn connected or failed ${Math.round(performance.now() - activatedAt)} ms after activation`),
  );
  const view = vscode.window.createTreeView('xcpAdmin.pools', { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  tree.setVisible(view.visible);

  const loadPools = async (): Promise<void> => {
    const { entries, problems } = readPoolEntries();
    for (const p of problems) log.warn(p);
    if (problems.length) void vscode.window.showWarningMessage(problems.length > 1
      ? vscode.l10n.t('XCP Admin: {0} (and {1} more, see the XCP Admin output)', problems[0], problems.length - 1)
      : vscode.l10n.t('XCP Admin: {0}', problems[0]));
    if (!legacyMigration) {
      // Once per start: a settings change brings no password stored by name alone.
      const userPools = userSettingsPoolEntries();
      const names = [...new Set([...entries, ...userPools].map((e) => e.name))];
      legacyMigration = passwords.migrateLegacy(names, (name) => userPools.find((e) => e.name === name)?.url).then(
        (lines) => lines.forEach((line) => log.info(line)),
        (err) => log.warn(`stored passwords: ${String(err)}`),
      );
    }
    const since = () => Math.round(performance.now() - activatedAt);
    const urlOf = (pool: string) => entries.find((e) => e.name === pool)!.url;
    const read = demoPasswords(entries, (line) => log.warn(line));
    // Keyed by name and address, as SecretStorage keys them: a password goes only to the URL it came with.
    const fromSettings = (demo = new Map([...read].map(([pool, password]) => [demoKey(pool, urlOf(pool)), password])));
    void Promise.all([...read].map(([pool, password]) => passwords.set({ name: pool, url: urlOf(pool) }, password))).then(
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
    registry.setEntries([...entries, ...demoPools.entries()]);
  };

  const ssh = { registry, passwords, hostKeys: new SshHostKeyStore(context.globalState) };
  const procedures = { registry, journal: new Journal(context.globalStorageUri.fsPath), ssh, plans: new PlanDocuments() };
  const pools = { registry, passwords, tls };
  const panels = { ...procedures, extensionUri: context.extensionUri };
  context.subscriptions.push(
    log,
    { dispose: () => registry.dispose() },
    tree,
    view,
    view.onDidChangeVisibility((e) => tree.setVisible(e.visible)),
    ...registerAddPool(pools),
    ...registerEditPool(pools),
    ...registerRemovePool(pools),
    ...registerConnectPool(pools),
    ...registerDisconnectPool(pools),
    ...registerForgetCertificate(pools),
    ...registerRecoverMaster(procedures),
    ...registerRecoverSlaves(procedures),
    ...registerCopyUuid(pools),
    ...registerOpenRootShell(ssh),
    ...registerForgetHostKeys(ssh),
    ...registerMakeMaster(procedures),
    ...registerDeclareVmsHalted(procedures),
    ...registerForgetHost(procedures),
    ...registerPresentVersion(procedures),
    ...registerUndoVersion(procedures),
    ...registerGuestTools(procedures),
    ...registerOpenJournal(procedures),
    ...registerImportRawImage(panels),
    ...registerRepair(procedures),
    ...registerReattach(procedures),
    ...registerGrowOnline(panels),
    ...registerCopyDevicePath(procedures),
    ...registerWriteRawImage(panels),
    ...registerMakeVm(procedures),
    ...registerVmStart(procedures),
    ...registerVmShutdown(procedures),
    ...registerVmReboot(procedures),
    ...registerVmSuspend(procedures),
    ...registerVmMigrate(procedures),
    ...registerVmSnapshot(procedures),
    ...registerVmMemory(procedures),
    ...registerSnapshotRevert(procedures),
    ...registerSnapshotDelete(procedures),
    ...registerHostMaintenance(procedures),
    ...registerHostPower(procedures),
    ...registerFilter({ registry, tree, view, workspaceState: context.workspaceState }),
    ...registerRefresh(registry),
    ...registerShowRecord(registry),
    ...registerStatusBar(registry, view),
    ...registerWorkspaceTrustNotice(tree, context.extension),
    ...registerDemoFleet({ extensionPath: context.extensionPath, pools: demoPools, passwords, log: (line) => log.info(line) }),
    demoPools,
    demoPools.onDidChange(() => void loadPools()),
    ...registerHealth({ registry, globalState: context.globalState }),
    ...registerDeclareVmHalted(procedures),
    ...registerPlanExport(procedures),
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
