// S2's question "how are the bytes written?", asked after the source (and the new VDI's name) by both
// S2 commands: the dd relay into the LV (LVM SRs) or XAPI's import_raw_vdi (any SR, where the pool's
// release has it); then, only where there is an LV, the host that writes into it (relay) or reads it
// back for the checksum (import_raw_vdi). A file-based SR (NFS, ext) has no LV: no host is asked.

import * as vscode from 'vscode';
import { displayName } from '../../text/display';
import type { PoolModel } from '../../model/poolModel';
import { apiVersionOf, hasImportRawVdi } from '../../model/release';
import { LVM_SR_TYPES } from '../../model/storageLayout';
import type { Ref } from '../../xapi/records';

export interface WriteWay {
  via: 'relay' | 'http';
  /** The host that writes into the LV (relay) or reads it back (import_raw_vdi on an LVM SR); none on a file SR. */
  host?: Ref<'host'>;
}

async function pickVia(model: PoolModel, srType: string): Promise<'relay' | 'http' | undefined> {
  const http = { label: vscode.l10n.t('XAPI import_raw_vdi over HTTPS'), detail: vscode.l10n.t('XCP 1.x, XenServer 5.5+ and XCP-ng; any SR type, the storage manager writes the bytes.'), way: 'http' as const };
  const relayOnly = !hasImportRawVdi(model);
  if (!LVM_SR_TYPES.includes(srType)) {
    if (relayOnly) {
      const api = apiVersionOf(model);
      void vscode.window.showErrorMessage(api
        ? vscode.l10n.t('This pool (API {0}) has no import_raw_vdi, and a {1} SR has no LV for the dd relay: XCP Admin cannot write this image here. Use an LVM-based SR (lvm, lvmoiscsi, lvmohba).', `${api.major}.${api.minor}`, srType)
        : vscode.l10n.t('This pool (API version unknown) has no import_raw_vdi, and a {0} SR has no LV for the dd relay: XCP Admin cannot write this image here. Use an LVM-based SR (lvm, lvmoiscsi, lvmohba).', srType));
      return undefined;
    }
    return (await vscode.window.showQuickPick([http], { title: vscode.l10n.t('How are the bytes written?') }))?.way;
  }
  const relay = { label: vscode.l10n.t('dd into the LV, relayed by XCP Admin'), detail: vscode.l10n.t('As the runbook does it (XCP 1.x): raw VDIs on LVM SRs, SHA-256 of both ends compared.'), way: 'relay' as const };
  return (await vscode.window.showQuickPick(relayOnly ? [relay] : [relay, http], { title: vscode.l10n.t('How are the bytes written?') }))?.way;
}

/** A live host with the SR plugged, the master first; asked only when there is more than one. */
async function pickLvHost(model: PoolModel, srRef: Ref<'SR'>, via: 'relay' | 'http'): Promise<Ref<'host'> | undefined> {
  const hosts = model.pbdsOf(srRef).filter((p) => p.record.currently_attached && p.host && model.isHostLive(p.host.ref)).map((p) => p.host!);
  if (hosts.length === 0) {
    void vscode.window.showErrorMessage(via === 'relay'
      ? vscode.l10n.t('No live host has this SR plugged: nobody can write into its LVs. Plug the SR\'s PBD on a live host, then try again.')
      : vscode.l10n.t('No live host has this SR plugged: nobody can read the LV back for the checksum. Plug the SR\'s PBD on a live host, then try again.'));
    return undefined;
  }
  const master = hosts.find((h) => model.isMaster(h.ref));
  const items = [...(master ? [master] : []), ...hosts.filter((h) => h !== master)].map((h) => ({ label: displayName(h.record.name_label), description: model.isMaster(h.ref) ? vscode.l10n.t('{0} · master', displayName(h.record.address)) : displayName(h.record.address), ref: h.ref }));
  if (items.length === 1) return items[0].ref;
  const title = via === 'relay' ? vscode.l10n.t('Which host writes into the LV?') : vscode.l10n.t('Which host reads the LV back for the checksum?');
  return (await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('A host with the SR plugged') }))?.ref;
}

/** How the bytes go into a VDI of `srRef`, and from which host where there is an LV; undefined when the admin stopped. */
export async function pickWriteWay(model: PoolModel, srRef: Ref<'SR'>): Promise<WriteWay | undefined> {
  const srType = model.get('SR', srRef)?.type ?? '';
  const via = await pickVia(model, srType);
  if (!via) return undefined;
  if (!LVM_SR_TYPES.includes(srType)) return { via };
  const host = await pickLvHost(model, srRef, via);
  return host ? { via, host } : undefined;
}
