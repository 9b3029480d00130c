// The tree's filter (the view's Filter action): by name, by VM power state, by SR type. A pure
// predicate over nodes that the tree provider consults when it lists children; the editor side asks
// for the filter and remembers it per workspace. No vscode import.
//
// What each part hides: a name filter keeps a row whose name holds the text (any case) or that has
// such a row below it (a host with a matching VM, an SR with a matching VDI); the rows under a matching
// row all stay. Power states hide VMs in other states; SR types hide SRs of other types (and their
// VDIs). Pools and the Hosts / Storage folders always stay, so the admin sees where nothing matched.

import type { PoolModel } from '../model/poolModel';
import type { Ref } from '../xapi/records';
import { modelOf, visibleVdis, type TreeNode, type TreeSource } from './nodes';

export interface TreeFilter {
  /** Part of a name, any case; empty or absent: any name. */
  name?: string;
  /** VM power states to keep (XAPI's: Running, Halted, Suspended, Paused); empty or absent: all. */
  powerStates?: string[];
  /** SR types to keep (XAPI's `type`: lvmohba, nfs, …); empty or absent: all. */
  srTypes?: string[];
}

export function isFilterActive(f: TreeFilter | undefined): boolean {
  return !!f && (!!f.name?.trim() || !!f.powerStates?.length || !!f.srTypes?.length);
}

/** One line for the view's description: what the filter keeps. */
export function describeFilter(f: TreeFilter): string {
  const parts: string[] = [];
  if (f.name?.trim()) parts.push(`"${f.name.trim()}"`);
  if (f.powerStates?.length) parts.push(f.powerStates.join('/'));
  if (f.srTypes?.length) parts.push(f.srTypes.join('/'));
  return parts.join(' · ');
}

/** A filter read back from storage: only its known fields, of the right types. */
export function parseFilter(raw: unknown): TreeFilter | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : undefined);
  const f: TreeFilter = {
    name: typeof r.name === 'string' ? r.name : undefined,
    powerStates: strings(r.powerStates),
    srTypes: strings(r.srTypes),
  };
  return isFilterActive(f) ? f : undefined;
}

const holds = (name: string | undefined, text: string) => (name ?? '').toLowerCase().includes(text);

/** Whether a row the tree would list under its parent stays under this filter. */
export function keepsNode(filter: TreeFilter | undefined, node: TreeNode, parentMatched: boolean, source: TreeSource): boolean {
  if (!isFilterActive(filter)) return true;
  const f = filter!;
  const model = modelOf(source, node.pool);
  if (!model) return true;
  const text = parentMatched ? '' : (f.name?.trim().toLowerCase() ?? '');
  switch (node.kind) {
    case 'vm':
      return vmStays(f, model, node.ref, text);
    case 'host': {
      if (!text) return true;
      const host = model.get('host', node.ref);
      return holds(host?.name_label, text) || model.residentVms(node.ref).some((v) => vmStays(f, model, v.ref, text));
    }
    case 'sr': {
      const sr = model.get('SR', node.ref);
      if (f.srTypes?.length && !f.srTypes.includes(sr?.type ?? '')) return false;
      return !text || holds(sr?.name_label, text) || visibleVdis(model, node.ref).some((v) => holds(v.record.name_label, text));
    }
    case 'vdi':
      return !text || holds(model.get('VDI', node.ref)?.name_label, text);
    default:
      return true;
  }
}

/** Whether a row's own name holds the filter's text (so every row below it stays). */
export function nameMatches(filter: TreeFilter | undefined, node: TreeNode, source: TreeSource): boolean {
  const text = filter?.name?.trim().toLowerCase();
  if (!text) return false;
  const model = modelOf(source, node.pool);
  if (!model) return false;
  switch (node.kind) {
    case 'pool': return holds(node.pool, text);
    case 'host': return holds(model.get('host', node.ref)?.name_label, text);
    case 'sr': return holds(model.get('SR', node.ref)?.name_label, text);
    default: return false;
  }
}

function vmStays(f: TreeFilter, model: PoolModel, ref: Ref<'VM'>, text: string): boolean {
  const vm = model.get('VM', ref);
  if (f.powerStates?.length && !f.powerStates.includes(vm?.power_state ?? '')) return false;
  return !text || holds(vm?.name_label, text);
}

/** The SR types the pools have, for the filter's choices. */
export function srTypesOf(models: readonly PoolModel[]): string[] {
  return [...new Set(models.flatMap((m) => m.all('SR').map((e) => e.record.type)))].sort();
}
