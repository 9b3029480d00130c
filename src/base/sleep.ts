// The one sleep of the editor-free code: resolves after `ms`, or at once when `signal` aborts, and
// leaves nothing behind either way (its timer cleared, its abort listener removed: a loop that waits
// hundreds of times on one long-lived signal, as H3's 15-minute guest wait does, adds none to it).
// Imports nothing of ours: any layer may use it.

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
