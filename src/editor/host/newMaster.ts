// H4's flow once the new master is chosen (Make Pool Master on a slave, Recover Pool onto a Slave on a
// pool whose master is silent): ask the members who the master is, ask the chosen host what it sees,
// build the plan from those answers, run it, then point the pool at the new master (the saved pool URL
// too, as XenCenter does), so the tree follows it.

import * as vscode from 'vscode';
import { memberUrl } from '../../model/masterProbe';
import { normalizePoolUrl, type PoolConnection } from '../../model/poolConnection';
import type { PoolModel } from '../../model/poolModel';
import { planNewMaster, type SlaveView } from '../../procedures/masterRecovery';
import { XapiError, describeError } from '../../xapi/errors';
import type { Ref } from '../../xapi/records';
import { readPoolEntries, writePoolEntries } from '../poolSettings';
import { runWithConfirmation, type ProcedureCommandDeps } from '../runProcedure';

async function askSlave(connection: PoolConnection, address: string): Promise<SlaveView> {
  try {
    const v = await connection.callOn<boolean>(address, 'host.is_in_emergency_mode', [], { slaveLocal: true });
    return { inEmergencyMode: v === true, detail: v === true ? vscode.l10n.t('it is in emergency mode: it cannot reach its master either.') : vscode.l10n.t('it is NOT in emergency mode: it still reaches its master.') };
  } catch (err) {
    const detail = err instanceof XapiError && err.code === 'MESSAGE_METHOD_UNKNOWN'
      ? vscode.l10n.t('this xapi has no host.is_in_emergency_mode; only the extension\'s own probe speaks for the master being dead.')
      : vscode.l10n.t('could not be asked ({0}).', describeError(err));
    return { inEmergencyMode: undefined, detail };
  }
}

/** Saves the new master's address as the pool's URL; the registry reconnects on the change. */
async function followNewMaster(deps: ProcedureCommandDeps, pool: string, connection: PoolConnection, address: string): Promise<void> {
  const { entries } = readPoolEntries();
  const entry = entries.find((e) => e.name === pool);
  let url: string | undefined;
  try {
    if (!entry) throw new Error(`pool ${pool} is not in xcpAdmin.pools`);
    const newUrl = memberUrl(normalizePoolUrl(entry.url), address).href;
    url = newUrl;
    // The password goes with the pool to its new master (bound to name + address, secrets.ts).
    await deps.ssh.passwords.move(entry, { name: pool, url: newUrl });
    await writePoolEntries(entries.map((e) => (e.name === pool ? { ...e, url: newUrl } : e)));
    void vscode.window.showInformationMessage(vscode.l10n.t('{0}: the pool\'s address is now {1} (the new master).', pool, newUrl));
  } catch (err) {
    // Settings not writable: follow for this session at least (the connection still asks by the old address).
    if (entry && url) await deps.ssh.passwords.move({ name: pool, url }, entry);
    void vscode.window.showWarningMessage(vscode.l10n.t('{0}: could not save the new master\'s address ({1}); following it until the editor restarts.', pool, describeError(err)));
    await connection.follow(address);
  }
}

/** H4 onto `chosen`: the path (hand-over or emergency) follows from what a fresh probe finds. */
export async function runNewMaster(deps: ProcedureCommandDeps, pool: string, model: PoolModel, chosen: Ref<'host'>): Promise<void> {
  const connection = deps.registry.connection(pool);
  const host = model.get('host', chosen);
  if (!connection || !host) return;
  const probe = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('{0}: asking every host who its master is…', pool) },
    () => connection.probe(),
  );
  const slaveView = probe?.verdict.kind === 'master-dead' ? await askSlave(connection, host.address) : undefined;
  const plan = planNewMaster(model, chosen, probe, slaveView);
  const result = await runWithConfirmation(deps, pool, plan);
  if (result?.status === 'done') await followNewMaster(deps, pool, connection, host.address);
}
