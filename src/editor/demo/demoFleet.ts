// Start Demo Fleet / Stop Demo Fleet (welcome view, command palette, walkthrough): the simulated fleet
// of src/demo/demoFleet.ts, loaded from its own bundle (dist/demoFleet.js) only when asked for. Its
// pools join the tree next to the configured ones without being written to settings (their port
// changes at each start); their passwords go to SecretStorage bound to their loopback URLs, like any
// pool's, and are deleted when the fleet stops.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PoolEntry } from '../../model/poolRegistry';
import type { RunningDemoFleet } from '../../demo/demoFleet';
import type { PasswordStore } from '../secrets';

const RUNNING_CONTEXT = 'xcpAdmin.demoFleetRunning';

/** The demo fleet's pools while it runs; the composition root adds them to the configured pools. */
export class DemoPools {
  private current: PoolEntry[] = [];
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  entries(): readonly PoolEntry[] {
    return this.current;
  }

  set(entries: PoolEntry[]): void {
    this.current = entries;
    this.emitter.fire();
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/** The demo pools' names: the fleet's own, marked, so they never take the name of a configured pool. */
export const demoPoolName = (name: string) => `${name} (demo)`;

export interface DemoFleetDeps {
  extensionPath: string;
  pools: DemoPools;
  passwords: PasswordStore;
  log: (line: string) => void;
}

type DemoModule = typeof import('../../demo/demoFleet');

function loadDemoModule(extensionPath: string): DemoModule {
  // A path computed at run time: the main bundle does not pull the simulator in.
  const file = path.join(extensionPath, 'dist', 'demoFleet.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as DemoModule;
}

export function registerDemoFleet(deps: DemoFleetDeps): vscode.Disposable[] {
  let fleet: RunningDemoFleet | undefined;
  let starting: Promise<void> | undefined;

  const stop = async (): Promise<void> => {
    const running = fleet;
    if (!running) return;
    fleet = undefined;
    const entries = [...deps.pools.entries()];
    deps.pools.set([]);
    await Promise.all(entries.map((e) => deps.passwords.delete(e)));
    await running.stop();
    void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, false);
    deps.log('demo fleet stopped');
  };

  const start = async (): Promise<void> => {
    if (fleet) {
      void vscode.window.showInformationMessage(vscode.l10n.t('The demo fleet is running already ({0} pools on loopback).', fleet.pools.length));
      return;
    }
    const started = performance.now();
    const running = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Starting the demo fleet (simulated pools on loopback)…') },
      () => loadDemoModule(deps.extensionPath).startDemoFleet(),
    );
    fleet = running;
    const entries: PoolEntry[] = running.pools.map((p) => ({
      name: demoPoolName(p.name), url: p.url, username: p.username, ...(p.sshPort ? { sshPort: p.sshPort } : {}),
    }));
    await Promise.all(running.pools.map((p, i) => deps.passwords.set(entries[i], p.password)));
    deps.pools.set(entries);
    void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, true);
    deps.log(`demo fleet: ${entries.length} pools on ${running.pools[0]?.url ?? '?'}… (dom0 shells ${running.dom0 ? 'on' : 'off: bash not found'}) in ${Math.round(performance.now() - started)} ms`);
    void vscode.window.showInformationMessage(running.dom0
      ? vscode.l10n.t('Demo fleet started: {0} simulated pools on loopback, with dom0 shells. Stop it with "XCP Admin: Stop Demo Fleet".', entries.length)
      : vscode.l10n.t('Demo fleet started: {0} simulated pools on loopback (no dom0 shells: bash was not found). Stop it with "XCP Admin: Stop Demo Fleet".', entries.length));
  };

  return [
    vscode.commands.registerCommand('xcpAdmin.demo.start', async () => {
      starting ??= start().finally(() => (starting = undefined));
      try {
        await starting;
      } catch (err) {
        void vscode.window.showErrorMessage(vscode.l10n.t('The demo fleet did not start: {0}', (err as Error).message));
      }
    }),
    vscode.commands.registerCommand('xcpAdmin.demo.stop', stop),
    { dispose: () => void stop() },
  ];
}
