// The health side of the editor, wired in one call from extension.ts: the findings service, the
// Problems view with its badge, the marks on the pool tree, the status bar count and the menu actions.

import * as vscode from 'vscode';
import type { PoolRegistry } from '../../model/poolRegistry';
import { registerHealthActions } from './actions';
import { HealthService } from './healthService';
import { ProblemsProvider } from './problemsView';
import { TreeMarks } from './treeMarks';

export function registerHealth(deps: { registry: PoolRegistry; globalState: vscode.Memento }): vscode.Disposable[] {
  const health = new HealthService(deps.registry, deps.globalState);
  const problems = new ProblemsProvider(health);
  const view = vscode.window.createTreeView('xcpAdmin.problems', { treeDataProvider: problems });
  const marks = new TreeMarks(health);
  const status = vscode.window.createStatusBarItem('xcpAdmin.health', vscode.StatusBarAlignment.Left, 10);
  status.name = vscode.l10n.t('XCP Admin health');
  status.command = 'xcpAdmin.health.show';
  const refresh = (): void => {
    const { errors, warnings } = problems.counts();
    const total = errors + warnings;
    view.badge = total > 0 ? { value: total, tooltip: vscode.l10n.t('{0} errors, {1} warnings', errors, warnings) } : undefined;
    status.text = `$(error) ${errors} $(warning) ${warnings} XCP`;
    status.tooltip = vscode.l10n.t('XCP Admin: {0} errors, {1} warnings in the pools. Click to open the Problems view.', errors, warnings);
    status.show();
  };
  refresh();
  const sub = health.onDidChange(refresh);
  return [
    health, problems, view, marks, status, sub,
    vscode.window.registerFileDecorationProvider(marks),
    ...registerHealthActions({ registry: deps.registry, health }),
  ];
}
