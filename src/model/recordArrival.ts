// Waiting for a record that XAPI just made (the VDI an import created) to reach a pool's model: the
// model is filled by event.from, so the record arrives with an event shortly after the call returns.
// Waits on the registry's change events, never by polling. No vscode import.

import type { XapiClass, Ref } from '../xapi/records';
import type { PoolModel } from './poolModel';
import type { PoolRegistry } from './poolRegistry';

/** The pool's model once it holds `ref` (at once if it does), or undefined after `withinMs` or when the pool is not connected then. */
export function whenRecordArrives(registry: PoolRegistry, pool: string, cls: XapiClass, ref: Ref, withinMs = 10_000): Promise<PoolModel | undefined> {
  const found = (): PoolModel | undefined => {
    const s = registry.state(pool);
    return s?.kind === 'connected' && s.model.get(cls, ref) ? s.model : undefined;
  };
  const now = found();
  if (now) return Promise.resolve(now);
  return new Promise((resolve) => {
    const end = (model: PoolModel | undefined): void => {
      clearTimeout(timer);
      subscription.dispose();
      resolve(model);
    };
    const subscription = registry.onDidChange((e) => {
      if (e.kind !== 'pools' && e.pool !== pool) return;
      const model = found();
      if (model) end(model);
    });
    const timer = setTimeout(() => end(undefined), withinMs);
  });
}
