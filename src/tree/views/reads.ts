// What each row kind reads from the model, declared next to the view that reads it: the record classes
// and fields its view shows and those its list of children depends on. The invalidation module turns a
// batch of model changes into the rows to repaint from these declarations alone, so a new row kind
// plugs in by declaring its reads (views/index.ts: ROW_READS) and nothing else changes. No vscode import.

import type { ModelChange, PoolModel } from '../../model/poolModel';
import type { Ref, XapiClass } from '../../xapi/records';
import { nodeId, poolNode, type FolderKind, type TreeNode } from '../nodes';

/** One change of one record, with the pool it belongs to. */
export interface ChangeContext {
  pool: string;
  model: PoolModel;
  change: ModelChange;
}

/** One class of record a row reads. */
export interface Reads {
  cls: XapiClass;
  /** The fields of that record the row depends on; its coming (`add`) and going (`del`) always count. */
  fields: readonly string[];
  /** The rows that show (or showed, before the change) the changed record. May name rows never shown. */
  rows(ctx: ChangeContext): Iterable<TreeNode>;
}

export interface RowReads {
  /** What the row's own view reads (label, description, tooltip, icon, menus): those rows are repainted. */
  view: readonly Reads[];
  /** What its list of children reads (which rows, in which order): those rows are asked for children again. */
  children?: readonly Reads[];
}

/** The rows of a pool by kind and ref, with the ids nodes.ts gives them. */
export const row = {
  pool: (pool: string): TreeNode => poolNode(pool),
  folder: (pool: string, folder: FolderKind): TreeNode => ({ kind: 'folder', id: nodeId.folder(pool, folder), pool, folder }),
  host: (pool: string, ref: string): TreeNode => ({ kind: 'host', id: nodeId.host(pool, ref), pool, ref: ref as Ref<'host'> }),
  sr: (pool: string, ref: string): TreeNode => ({ kind: 'sr', id: nodeId.sr(pool, ref), pool, ref: ref as Ref<'SR'> }),
  vdi: (pool: string, ref: string): TreeNode => ({ kind: 'vdi', id: nodeId.vdi(pool, ref), pool, ref: ref as Ref<'VDI'> }),
  vm: (pool: string, ref: string): TreeNode => ({ kind: 'vm', id: nodeId.vm(pool, ref), pool, ref: ref as Ref<'VM'> }),
  snapshot: (pool: string, ref: string): TreeNode => ({ kind: 'snapshot', id: nodeId.snapshot(pool, ref), pool, ref: ref as Ref<'VM'> }),
};

/** The values of a reference field before and after the change (null refs and repeats left out). */
export function refsOf(ctx: ChangeContext, field: string): string[] {
  const { change, model } = ctx;
  const now = model.get(change.cls, change.ref) as Record<string, unknown> | undefined;
  const before = change.previous as Record<string, unknown> | undefined;
  const out = new Set<string>();
  for (const rec of [before, now]) {
    const v = rec?.[field];
    if (typeof v === 'string' && v !== '' && v !== 'OpaqueRef:NULL') out.add(v);
  }
  return [...out];
}

/** The record of the change as it is now, or as it was when it was deleted. */
export function recordOf(ctx: ChangeContext): Record<string, unknown> | undefined {
  return (ctx.model.get(ctx.change.cls, ctx.change.ref) ?? ctx.change.previous) as Record<string, unknown> | undefined;
}

/** True when the change is the object coming or going, or a mod of one of `fields`. */
export function changes(change: ModelChange, fields: readonly string[]): boolean {
  if (change.op !== 'mod' || change.fields === undefined) return true;
  return change.fields.some((f) => fields.includes(f));
}

/** The pool's master before or after this change (a `pool` change may move it). */
export function isOrWasMaster(ctx: ChangeContext, host: string): boolean {
  if (ctx.model.isMaster(host as Ref<'host'>)) return true;
  const prev = ctx.change.cls === 'pool' ? (ctx.change.previous as { master?: string } | undefined) : undefined;
  return prev?.master === host;
}
