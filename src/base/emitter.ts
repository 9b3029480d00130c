// One event emitter and one disposable for the editor-free code (the pool model, the pool connection,
// the registry): listeners are called in the order they came, each in its own try so one that throws
// neither stops the others nor the loop that fired; a listener removed while an event is delivered is
// still called for that event (the list is copied), never for the next. Shaped like VS Code's
// `Event<T>` so the editor side adapts it as it is. Imports nothing of ours: any layer may use it.

export interface Disposable {
  dispose(): void;
}

/** Subscribes a listener; the result unsubscribes it. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

export class Emitter<T> implements Disposable {
  private listeners: ((value: T) => void)[] = [];

  /** @param owner named in the console when a listener throws */
  constructor(private readonly owner: string) {}

  readonly event: Event<T> = (listener) => {
    this.listeners.push(listener);
    return { dispose: () => void (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };

  /** How many listeners are subscribed (for tests of what a class leaves behind). */
  get size(): number {
    return this.listeners.length;
  }

  fire(value: T): void {
    for (const listener of this.listeners) {
      try {
        listener(value);
      } catch (err) {
        console.error(`${this.owner}: a listener failed:`, err);
      }
    }
  }

  dispose(): void {
    this.listeners = [];
  }
}
