/** A minimal listener registry (no Node `events` dependency, so it runs in every runtime). */

/** A listener: `(data) => void`. */
export type EventHandler = (data: any) => void;

export class Emitter {
  readonly #listeners = new Map<string, EventHandler[]>();
  readonly #onListenerError: (error: unknown, event: string) => void;

  /** `onListenerError` is told when a listener throws; the other listeners still run. */
  constructor(onListenerError: (error: unknown, event: string) => void) {
    this.#onListenerError = onListenerError;
  }

  on(event: string, handler: EventHandler): void {
    if (typeof handler !== 'function') throw new TypeError(`on('${event}'): handler must be a function`);
    const list = this.#listeners.get(event);
    if (list) list.push(handler);
    else this.#listeners.set(event, [handler]);
  }

  /** Remove one registration of `handler` (the same function reference given to `on`). */
  off(event: string, handler: EventHandler): void {
    const list = this.#listeners.get(event);
    if (!list) return;
    const i = list.lastIndexOf(handler);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.#listeners.delete(event);
  }

  has(event: string): boolean {
    return this.#listeners.has(event);
  }

  /** Call every listener of `event` with `data`, in registration order. */
  emit(event: string, data: unknown): void {
    const list = this.#listeners.get(event);
    if (!list) return;
    for (const handler of [...list]) {
      try {
        handler(data);
      } catch (error) {
        this.#onListenerError(error, event);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
