// What the single row under a pool that is not connected says: connecting, why it failed (click to
// retry), not connected (click to connect). No vscode import.

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
  }
}
