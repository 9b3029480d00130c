// What the single row under a pool that is not connected says: connecting, why it failed (click to
// retry), not connected (click to connect); and the row above the pools when an untrusted workspace's
// pools are ignored (click to manage trust). No vscode import.

import type { TreeNode } from '../nodes';
import { markdownProse } from '../../text/display';
import { l10n } from '../../text/l10n';
import { md, type NodeView } from './nodeView';

export function noticeView(node: Extract<TreeNode, { kind: 'notice' }>): NodeView {
  switch (node.notice) {
    case 'failed':
      return { label: node.text, tooltip: md(markdownProse(node.text), l10n.t('_Click to retry._')), contextValue: 'notice.failed', icon: 'error', iconColor: 'errorForeground', collapsible: false, command: { id: 'xcpAdmin.pool.connect', title: l10n.t('Retry') } };
    case 'disconnected':
      return { label: node.text, contextValue: 'notice.disconnected', icon: 'plug', collapsible: false, command: { id: 'xcpAdmin.pool.connect', title: l10n.t('Connect') } };
    case 'connecting':
      return { label: node.text, contextValue: 'notice.connecting', icon: 'loading~spin', collapsible: false };
    case 'empty':
      return { label: node.text, contextValue: 'notice.empty', icon: 'info', collapsible: false };
    case 'restricted':
      // VS Code's own Manage Workspace Trust: the admin decides there, with VS Code's explanation.
      return { label: node.text, tooltip: md(markdownProse(node.text), l10n.t('_Click to manage workspace trust: once you trust this workspace, its pools are listed and connected._')), contextValue: 'notice.restricted', icon: 'workspace-untrusted', iconColor: 'list.warningForeground', collapsible: false, command: { id: 'workbench.trust.manage', title: 'Manage Workspace Trust' } };
  }
}
