// The XCP Admin tree's nodes: what each row is (its identity, stable across refreshes) and which rows
// sit under it, derived from the pool models. What a row says is in views/, one file per kind; which
// rows an event touches is in invalidation.ts. No vscode import: the provider in poolTreeProvider.ts
// adapts these, and tests read them directly.

import type { ConnectionState } from '../model/poolConnection';
import type { Entry, PoolModel } from '../model/poolModel';
import type { Ref } from '../xapi/records';
import { l10n } from '../text/l10n';
import { snapshotsUnder, stoppedVms, vmsOnHost } from './vmPlacement';

/** `localStorage` sits under Storage, after the shared SRs: each host's local SRs, led by the host's name. */
export type FolderKind = 'hosts' | 'storage' | 'localStorage' | 'stoppedVms';

export type TreeNode =
  | { kind: 'pool'; id: string; pool: string }
  | { kind: 'folder'; id: string; pool: string; folder: FolderKind }
  | { kind: 'host'; id: string; pool: string; ref: Ref<'host'> }
  | { kind: 'sr'; id: string; pool: string; ref: Ref<'SR'> }
  | { kind: 'vdi'; id: string; pool: string; ref: Ref<'VDI'> }
  | { kind: 'vm'; id: string; pool: string; ref: Ref<'VM'> }
  | { kind: 'snapshot'; id: string; pool: string; ref: Ref<'VM'> }
  | { kind: 'notice'; id: string; pool: string; notice: 'connecting' | 'failed' | 'disconnected' | 'empty' | 'restricted'; text: string };

/** What the tree needs to know about the configured pools. */
export interface TreeSource {
  poolNames(): string[];
  state(pool: string): ConnectionState | undefined;
  url(pool: string): string | undefined;
  /** A sentence for the row above the pools (e.g. a workspace's pools ignored in Restricted Mode), or undefined. */
  workspaceNotice?(): string | undefined;
}

// ---- identities ----

export const nodeId = {
  pool: (pool: string) => `pool:${pool}`,
  folder: (pool: string, folder: FolderKind) => `pool:${pool}/${folder}`,
  host: (pool: string, ref: string) => `pool:${pool}/host/${ref}`,
  sr: (pool: string, ref: string) => `pool:${pool}/sr/${ref}`,
  vdi: (pool: string, ref: string) => `pool:${pool}/vdi/${ref}`,
  vm: (pool: string, ref: string) => `pool:${pool}/vm/${ref}`,
  snapshot: (pool: string, ref: string) => `pool:${pool}/snapshot/${ref}`,
  notice: (pool: string) => `pool:${pool}/notice`,
  /** Not under a pool: no pool id starts with `workspace:`. */
  workspaceNotice: 'workspace:notice',
};

export function poolNode(pool: string): TreeNode {
  return { kind: 'pool', id: nodeId.pool(pool), pool };
}

/** The pool's model when it is connected: the rows below a pool are read from it. */
export function modelOf(source: TreeSource, pool: string): PoolModel | undefined {
  const s = source.state(pool);
  return s?.kind === 'connected' ? s.model : undefined;
}

// ---- children ----

export function rootNodes(source: TreeSource): TreeNode[] {
  const pools = source.poolNames().map(poolNode);
  const notice = source.workspaceNotice?.();
  // The pool of a workspace notice is '': no pool has an empty name (poolRegistry refuses one).
  return notice ? [{ kind: 'notice', id: nodeId.workspaceNotice, pool: '', notice: 'restricted', text: notice }, ...pools] : pools;
}

export function childNodes(node: TreeNode, source: TreeSource): TreeNode[] {
  const pool = node.pool;
  switch (node.kind) {
    case 'pool': {
      const s = source.state(pool);
      if (!s || s.kind === 'disconnected') return [{ kind: 'notice', id: nodeId.notice(pool), pool, notice: 'disconnected', text: l10n.t('Not connected. Click to connect.') }];
      if (s.kind === 'connecting') return [{ kind: 'notice', id: nodeId.notice(pool), pool, notice: 'connecting', text: l10n.t('Connecting…') }];
      if (s.kind === 'failed') return [{ kind: 'notice', id: nodeId.notice(pool), pool, notice: 'failed', text: s.message }];
      return [
        { kind: 'folder', id: nodeId.folder(pool, 'hosts'), pool, folder: 'hosts' },
        { kind: 'folder', id: nodeId.folder(pool, 'storage'), pool, folder: 'storage' },
        { kind: 'folder', id: nodeId.folder(pool, 'stoppedVms'), pool, folder: 'stoppedVms' },
      ];
    }
    case 'folder': {
      const model = modelOf(source, pool);
      if (!model) return [];
      if (node.folder === 'hosts') return model.hosts().map((h) => ({ kind: 'host', id: nodeId.host(pool, h.ref), pool, ref: h.ref }));
      if (node.folder === 'stoppedVms') return stoppedVms(model).map((v) => ({ kind: 'vm', id: nodeId.vm(pool, v.ref), pool, ref: v.ref }));
      const srRow = (sr: Entry<'SR'>): TreeNode => ({ kind: 'sr', id: nodeId.sr(pool, sr.ref), pool, ref: sr.ref });
      if (node.folder === 'localStorage') return localStorageOf(model).map(srRow);
      // Shared SRs first (what the pool's VMs live on); every host's local disk in one group after them.
      const local = localStorageOf(model).length ? [{ kind: 'folder' as const, id: nodeId.folder(pool, 'localStorage'), pool, folder: 'localStorage' as const }] : [];
      return [...model.sharedSrs().map(srRow), ...local];
    }
    case 'sr': {
      const model = modelOf(source, pool);
      if (!model) return [];
      return visibleVdis(model, node.ref).map((v) => ({ kind: 'vdi', id: nodeId.vdi(pool, v.ref), pool, ref: v.ref }));
    }
    case 'host': {
      const model = modelOf(source, pool);
      if (!model) return [];
      return vmsOnHost(model, node.ref).map((v) => ({ kind: 'vm', id: nodeId.vm(pool, v.ref), pool, ref: v.ref }));
    }
    case 'vm': {
      const model = modelOf(source, pool);
      if (!model) return [];
      return snapshotsUnder(model, node.ref).map((v) => ({ kind: 'snapshot', id: nodeId.snapshot(pool, v.ref), pool, ref: v.ref }));
    }
    default:
      return [];
  }
}

/** Shared SRs first (once per pool), then each host's local SRs in host order. */
export function storageOf(model: PoolModel): Entry<'SR'>[] {
  return [...model.sharedSrs(), ...localStorageOf(model)];
}

/** Each host's local SRs, in host order (the Local storage group). */
export function localStorageOf(model: PoolModel): Entry<'SR'>[] {
  return model.hosts().flatMap((h) => model.localSrs(h.ref));
}

/** The VDIs an admin works with: snapshots are left out (they belong to their VM, not to the SR's list). */
export function visibleVdis(model: PoolModel, sr: Ref<'SR'>): Entry<'VDI'>[] {
  return model.vdisOf(sr).filter((v) => !v.record.is_a_snapshot);
}
