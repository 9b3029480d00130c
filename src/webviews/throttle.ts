// Coalesces a fast stream of updates into at most one per interval (the latest wins), so a relay at
// hundreds of MiB/s does not flood a webview with messages. flush() sends what is pending now.
// No vscode import.

export class Throttle<T> {
  private pending: T | undefined;
  private has = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = 0;

  constructor(private readonly intervalMs: number, private readonly send: (value: T) => void) {}

  push(value: T): void {
    this.pending = value;
    this.has = true;
    const wait = this.last + this.intervalMs - Date.now();
    if (wait <= 0) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.has) return;
    const v = this.pending as T;
    this.has = false;
    this.pending = undefined;
    this.last = Date.now();
    this.send(v);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.has = false;
  }
}
