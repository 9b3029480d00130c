// A webview panel that shows a long run live (the dd relay, the FC SR resize). The extension keeps
// the view's state with the same reducer the view uses, so a hidden panel costs nothing and gets a
// snapshot when shown again; fast updates (kind "progress") are throttled, the others go at once. A
// progress update is reduced when the throttle lets it through, not as it comes: the state is what the
// view has been sent, and a relay's thousands of chunk reports a second cost a store each.

import * as vscode from 'vscode';
import { nonce, webviewHtml } from './html';
import { Throttle } from './throttle';

export interface ProgressPanelOptions<S, M, F extends { kind: 'ready' | 'cancel' }> {
  viewType: string;
  title: string;
  extensionUri: vscode.Uri;
  /** The bundle under dist/webviews/, e.g. "ddProgress.js". */
  script: string;
  /** The words the script shows, translated (labels.ts: ddLabels, resizeLabels): written into the page. */
  labels: object;
  initial: S;
  reduce(state: S, msg: M): S;
  snapshot(state: S): M;
  /** The view's messages as they arrive (untrusted): the valid ones, undefined for anything else. */
  fromView(raw: unknown): F | undefined;
  throttleMs?: number;
  onCancel?(): void;
}

export class ProgressPanel<S, M extends { kind: string }, F extends { kind: 'ready' | 'cancel' } = { kind: 'ready' | 'cancel' }> implements vscode.Disposable {
  private state: S;
  private readonly panel: vscode.WebviewPanel;
  private readonly throttle: Throttle<M>;
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;

  constructor(private readonly opts: ProgressPanelOptions<S, M, F>) {
    this.state = opts.initial;
    const root = vscode.Uri.joinPath(opts.extensionUri, 'dist', 'webviews');
    const media = vscode.Uri.joinPath(opts.extensionUri, 'media');
    this.panel = vscode.window.createWebviewPanel(opts.viewType, opts.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [root, media],
    });
    const webview = this.panel.webview;
    webview.html = webviewHtml({
      title: opts.title,
      cspSource: webview.cspSource,
      nonce: nonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, opts.script)).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'webview.css')).toString(),
      labels: opts.labels,
      lang: vscode.env.language,
    });
    this.throttle = new Throttle<M>(opts.throttleMs ?? 100, (m) => {
      this.state = opts.reduce(this.state, m);
      this.send(m);
    });
    this.subscriptions.push(
      webview.onDidReceiveMessage((raw: unknown) => {
        const m = opts.fromView(raw);
        if (m?.kind === 'ready') this.send(opts.snapshot(this.state));
        else if (m?.kind === 'cancel') opts.onCancel?.();
      }),
      this.panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.visible) this.send(opts.snapshot(this.state));
      }),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  post(msg: M): void {
    if (this.disposed) return;
    if (msg.kind === 'progress') return this.throttle.push(msg);
    this.throttle.flush(); // the last progress first, reduced and sent
    this.state = this.opts.reduce(this.state, msg);
    this.send(msg);
  }

  private send(msg: M): void {
    if (this.disposed || !this.panel.visible) return; // a hidden view gets a snapshot when shown
    void this.panel.webview.postMessage(msg);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.throttle.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.panel.dispose();
  }
}
