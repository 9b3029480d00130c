// One HealthMonitor per connected pool, made and dropped as the registry's pools connect and go, with
// the admin's mutes (derived findings hidden per object, kept in globalState across restarts) applied.
// The Problems view, the tree marks and the status bar all read the findings from here.

import * as vscode from 'vscode';
import type { Finding } from '../../health/finding';
import { HealthMonitor } from '../../health/monitor';
import type { PoolModel } from '../../model/poolModel';
import type { PoolRegistry } from '../../model/poolRegistry';

const MUTED_KEY = 'xcpAdmin.health.muted';

export interface PoolFindings {
  pool: string;
  findings: readonly Finding[];
}

export class HealthService implements vscode.Disposable {
  private readonly monitors = new Map<string, { model: PoolModel; monitor: HealthMonitor; sub: { dispose(): void } }>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly registrySub: { dispose(): void };
  private muted: Set<string>;

  constructor(private readonly registry: PoolRegistry, private readonly state: vscode.Memento) {
    this.muted = new Set(state.get<string[]>(MUTED_KEY, []));
    this.registrySub = registry.onDidChange((e) => {
      if (e.kind === 'pools' || e.kind === 'state') this.sync();
    });
    this.sync();
  }

  /** Pools with their visible findings (muted ones left out), in the registry's order. */
  pools(): PoolFindings[] {
    return this.registry.names().filter((p) => this.monitors.has(p)).map((pool) => ({ pool, findings: this.visible(pool) }));
  }

  visible(pool: string): readonly Finding[] {
    const m = this.monitors.get(pool);
    return m ? m.monitor.findings().filter((f) => !this.muted.has(muteKey(pool, f))) : [];
  }

  /** Hides a derived finding of this object from now on (and after restarts). */
  async mute(pool: string, f: Finding): Promise<void> {
    this.muted.add(muteKey(pool, f));
    await this.state.update(MUTED_KEY, [...this.muted]);
    this.changed.fire();
  }

  async unmuteAll(): Promise<void> {
    this.muted.clear();
    await this.state.update(MUTED_KEY, []);
    this.changed.fire();
  }

  dispose(): void {
    this.registrySub.dispose();
    for (const m of this.monitors.values()) {
      m.sub.dispose();
      m.monitor.dispose();
    }
    this.monitors.clear();
    this.changed.dispose();
  }

  private sync(): void {
    const names = new Set(this.registry.names());
    for (const [pool, m] of [...this.monitors]) {
      const s = this.registry.state(pool);
      if (!names.has(pool) || s?.kind !== 'connected' || s.model !== m.model) {
        m.sub.dispose();
        m.monitor.dispose();
        this.monitors.delete(pool);
      }
    }
    for (const pool of names) {
      const s = this.registry.state(pool);
      if (s?.kind !== 'connected') continue;
      let m = this.monitors.get(pool);
      if (!m) {
        const monitor = new HealthMonitor(s.model);
        m = { model: s.model, monitor, sub: monitor.onDidChange(() => this.changed.fire()) };
        this.monitors.set(pool, m);
      }
      m.monitor.setMasterLost(s.masterLost);
    }
    this.changed.fire();
  }
}

/** Messages are dismissed in XAPI; the rest is muted per finding (check + object). */
function muteKey(pool: string, f: Finding): string {
  return `${pool}\n${f.id}`;
}
