// Which rows a batch of model changes touches, so the provider refreshes those and no others (no
// polling, no whole-tree refresh): a row's own fields refresh that row, a change of membership its
// parent. No vscode import.

import type { ModelChange, PoolModel } from '../model/poolModel';
import type { Ref } from '../xapi/records';
import { nodeId, poolNode, type FolderKind, type TreeNode } from './nodes';
import { hostShowing, isGuest } from './vmPlacement';

/**
 * The nodes to refresh for one batch of changes of one pool: the smallest set that shows every change.
 * A row's own fields → that row; membership (VDI added/removed, host added) → the parent.
 */
export function nodesTouchedBy(
  pool: string,
  changes: readonly ModelChange[],
  model: PoolModel,
  /** The parent a node was shown under, if it was shown: a deleted VDI's record is gone, its row is not. */
  shownParent: (id: string) => TreeNode | undefined = () => undefined,
): TreeNode[] {
  const out = new Map<string, TreeNode>();
  const add = (n: TreeNode) => out.set(n.id, n);
  const hostNode = (ref: string): TreeNode => ({ kind: 'host', id: nodeId.host(pool, ref), pool, ref: ref as Ref<'host'> });
  const srNode = (ref: string): TreeNode => ({ kind: 'sr', id: nodeId.sr(pool, ref), pool, ref: ref as Ref<'SR'> });
  const vdiNode = (ref: string): TreeNode => ({ kind: 'vdi', id: nodeId.vdi(pool, ref), pool, ref: ref as Ref<'VDI'> });
  const vmNode = (ref: string): TreeNode => ({ kind: 'vm', id: nodeId.vm(pool, ref), pool, ref: ref as Ref<'VM'> });
  const folder = (f: FolderKind): TreeNode => ({ kind: 'folder', id: nodeId.folder(pool, f), pool, folder: f });
  const hostsChanged = () => { add(poolNode(pool)); add(folder('hosts')); };
  for (const c of changes) {
    switch (c.cls) {
      case 'pool':
        add(poolNode(pool));
        // the master moved: the old and new master rows change
        for (const h of model.hosts()) add(hostNode(h.ref));
        break;
      case 'host':
        if (c.op === 'mod') add(hostNode(c.ref));
        else hostsChanged();
        break;
      case 'host_metrics':
        // Liveness shows on the host row, its folder and the pool row: refreshing the folder redraws the row.
        hostsChanged();
        break;
      case 'SR':
        if (c.op === 'mod') add(srNode(c.ref));
        else { add(folder('storage')); add(folder('localStorage')); }
        break;
      case 'PBD': {
        const pbd = model.get('PBD', c.ref);
        if (pbd) add(srNode(pbd.SR));
        add(folder('storage'));
        add(folder('localStorage'));
        break;
      }
      case 'VDI': {
        const vdi = model.get('VDI', c.ref);
        if (c.op === 'mod') add(vdiNode(c.ref));
        else if (vdi) add(srNode(vdi.SR));
        else {
          const parent = shownParent(nodeId.vdi(pool, c.ref)); // deleted: only a row that was shown needs to go
          if (parent) add(parent);
        }
        break;
      }
      case 'VBD': {
        // A removed VBD also changes its VDI's VBDs field, which arrives as that VDI's own event.
        const vbd = model.get('VBD', c.ref);
        if (vbd) add(vdiNode(vbd.VDI));
        break;
      }
      case 'VM_guest_metrics': {
        const vm = model.all('VM').find((v) => v.record.guest_metrics === c.ref);
        if (vm) add(vmNode(vm.ref));
        break;
      }
      case 'VM': {
        const vm = model.get('VM', c.ref);
        const parent = shownParent(nodeId.vm(pool, c.ref)) ?? shownParent(nodeId.snapshot(pool, c.ref));
        if (parent) add(parent); // it left the row it was shown under (halted, migrated, gone)
        if (!vm) break;
        // A snapshot shows under its VM; a guest that runs nowhere in the pool's halted/suspended group.
        if (vm.is_a_snapshot) { add(vmNode(vm.snapshot_of)); break; }
        if (isGuest(vm) && !hostShowing(model, vm)) add(folder('stoppedVms'));
        add(vmNode(c.ref));
        if (vm.resident_on) add(hostNode(vm.resident_on));
        for (const vbd of vm.VBDs) {
          const v = model.get('VBD', vbd);
          if (v) add(vdiNode(v.VDI));
        }
        break;
      }
      default:
        break;
    }
  }
  // A parent refresh redraws its children: drop the children of refreshed parents.
  const storageRefreshed = out.has(nodeId.folder(pool, 'storage'));
  const hostsRefreshed = out.has(nodeId.folder(pool, 'hosts'));
  return [...out.values()].filter((n) => {
    if (n.kind === 'sr' && storageRefreshed) return false;
    if (n.kind === 'host' && hostsRefreshed) return false;
    if (n.kind === 'vm') {
      const vm = model.get('VM', n.ref);
      if (hostsRefreshed || (vm?.resident_on && out.has(nodeId.host(pool, vm.resident_on)))) return false;
    }
    if (n.kind === 'vdi') {
      const vdi = model.get('VDI', n.ref);
      if (storageRefreshed || (vdi && out.has(nodeId.sr(pool, vdi.SR)))) return false;
    }
    return true;
  });
}
