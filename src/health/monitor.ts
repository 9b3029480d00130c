// A pool's findings, kept current: all checks once when the model is loaded, then, per batch of model
// changes, only the checks fed by the classes that changed (a VDI event never re-runs the host
// checks). Used by the editor's Problems view and by `npm run health`. No vscode import.

import type { MasterProbe } from '../model/masterProbe';
import type { Disposable, ModelChange, PoolModel } from '../model/poolModel';
import type { XapiClass } from '../xapi/records';
import type { HealthCheck } from './check';
import { type Finding } from './finding';
import { deadHostCheck, disabledHostCheck } from './checks/hosts';
import { masterSilentFinding } from './checks/master';
import { messagesCheck } from './checks/messages';
import { multipathDisagreeCheck, multipathPathsCheck } from './checks/multipath';
import { defaultSrCheck, srUnpluggedCheck, srUsageCheck } from './checks/storage';
import { dom0VdiCheck, orphanVdiCheck } from './checks/disks';
import { guestToolsCheck, presentedVersionCheck, softwareVersionCheck } from './checks/versions';

/** Every check, in the order their findings are listed within a severity. */
export const CHECKS: readonly HealthCheck[] = [
  messagesCheck, deadHostCheck, srUnpluggedCheck, multipathPathsCheck, multipathDisagreeCheck, srUsageCheck,
  defaultSrCheck, dom0VdiCheck, presentedVersionCheck, softwareVersionCheck, guestToolsCheck, orphanVdiCheck,
  disabledHostCheck,
];

/** All checks on a model, once (the command line, the benchmark's baseline). */
export function evaluateAll(model: PoolModel, checks: readonly HealthCheck[] = CHECKS): Finding[] {
  return checks.flatMap((c) => c.evaluate(model));
}

export class HealthMonitor {
  private readonly byCheck = new Map<string, Finding[]>();
  private readonly listeners = new Set<(findings: readonly Finding[]) => void>();
  private readonly subscription: Disposable;
  private masterLost: MasterProbe | undefined;
  private list: Finding[] = [];
  /** The ids of the checks the last update ran (tests and the benchmark look at it). */
  lastEvaluated: readonly string[] = [];

  constructor(private readonly model: PoolModel, private readonly checks: readonly HealthCheck[] = CHECKS) {
    this.subscription = model.onDidChange((changes) => this.update(changes));
    if (model.loaded) this.evaluate(checks);
  }

  findings(): readonly Finding[] {
    return this.list;
  }

  onDidChange(listener: (findings: readonly Finding[]) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /** The connection's member probe: the master is silent (a finding), or answers again (undefined). */
  setMasterLost(probe: MasterProbe | undefined): void {
    if (probe === this.masterLost) return;
    this.masterLost = probe;
    this.publish();
  }

  /** Re-runs the checks fed by the changed classes; all of them on a resync (many classes at once). */
  update(changes: readonly ModelChange[]): void {
    const classes = new Set<XapiClass>(changes.map((c) => c.cls));
    this.evaluate(this.checks.filter((c) => c.feeds.some((cls) => classes.has(cls))));
  }

  dispose(): void {
    this.subscription.dispose();
    this.listeners.clear();
  }

  private evaluate(checks: readonly HealthCheck[]): void {
    this.lastEvaluated = checks.map((c) => c.id);
    if (checks.length === 0) return;
    for (const check of checks) {
      try {
        this.byCheck.set(check.id, check.evaluate(this.model));
      } catch (err) {
        // One broken check must not hide the others' findings.
        console.error(`health check ${check.id} failed:`, err);
        this.byCheck.set(check.id, []);
      }
    }
    this.publish();
  }

  private publish(): void {
    const list: Finding[] = [];
    if (this.masterLost) list.push(masterSilentFinding(this.model, this.masterLost));
    for (const check of this.checks) list.push(...(this.byCheck.get(check.id) ?? []));
    this.list = list;
    for (const l of [...this.listeners]) {
      try {
        l(list);
      } catch (err) {
        console.error('health listener failed:', err);
      }
    }
  }
}
