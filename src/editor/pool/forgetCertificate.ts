// "Forget Pinned Certificates": the TLS pins of the pool's address and of every member dropped, then a
// reconnect, which shows the certificate's fingerprint and asks again (the remedy for a changed
// certificate).

import * as vscode from 'vscode';
import { poolCertificateHostPorts } from '../../model/certificatePins';
import type { PoolRegistry } from '../../model/poolRegistry';
import { displayName } from '../../text/display';
import type { TreeNode } from '../../tree/nodes';
import { pickedPools } from '../target';
import type { TlsTrustStore } from '../tlsTrustStore';

export function registerForgetCertificate(deps: { registry: PoolRegistry; tls: TlsTrustStore }): vscode.Disposable[] {
  const { registry } = deps;
  return [
    vscode.commands.registerCommand('xcpAdmin.pool.forgetCertificate', async (node?: TreeNode) => {
      const [pool] = await pickedPools(registry, node, undefined, vscode.l10n.t('Pool whose pinned certificate to forget'));
      const entry = pool ? registry.entry(pool) : undefined;
      if (!pool || !entry) return;
      const state = registry.state(pool);
      const hostPorts = new Set(poolCertificateHostPorts(entry.url, state?.kind === 'connected' ? state.model.hosts().map((h) => h.record.address) : []));
      const forget = vscode.l10n.t('Forget');
      const ok = await vscode.window.showWarningMessage(
        vscode.l10n.t('Forget the pinned TLS certificates of pool "{0}"?', displayName(pool)),
        { modal: true, detail: vscode.l10n.t('Hosts: {0}.\nThe next connection shows the certificate\'s fingerprint and asks again.', displayName([...hostPorts].join(', '), 2000)) },
        forget,
      );
      if (ok !== forget) return;
      const n = await deps.tls.forget([...hostPorts]);
      void vscode.window.showInformationMessage(vscode.l10n.t('Forgot {0} pinned certificate(s) of {1}.', n, pool));
      await registry.reconnect(pool);
    }),
  ];
}
