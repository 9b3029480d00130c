// What Start on Host… and Migrate to Host… both begin with: the VM row's target, and what XAPI says about
// running that VM on each host of the pool (VM.assert_can_boot_here), asked behind a progress notification.

import * as vscode from 'vscode';
import { checkHostsFor } from '../../procedures/vmPower';
import type { VmRecord } from '../../xapi/records';
import type { TreeNode } from '../../tree/nodes';
import type { ProcedureCommandDeps } from '../runProcedure';
import { connectedTarget, type Target } from '../target';

export interface HostChecks {
  t: Target<'vm'>;
  vm: VmRecord;
  checks: Awaited<ReturnType<typeof checkHostsFor>>;
}

/** Undefined when the row is not a VM of a connected pool (the admin was told) or the VM is gone. */
export async function hostChecksFor(deps: ProcedureCommandDeps, node: TreeNode | undefined, title: (vmName: string) => string): Promise<HostChecks | undefined> {
  const t = connectedTarget(deps.registry, node, 'vm');
  const connection = t && deps.registry.connection(t.pool);
  if (!t || !connection) return undefined;
  const vm = t.model.get('VM', t.node.ref);
  if (!vm) return undefined;
  const checks = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: title(vm.name_label) },
    () => checkHostsFor(t.model, t.node.ref, (m, a) => connection.call(m, a)),
  );
  return { t, vm, checks };
}
