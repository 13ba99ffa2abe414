// @ts-check
/**
 * Everything the SDK starts, it can undo. A scope owns an AbortController whose signal goes
 * to every `addEventListener`, and the cleanup of every timer and observer it started.
 * Scopes nest: the SDK instance has one, a running guide a child, each shown step a
 * grandchild, so stopping any level undoes exactly what that level started.
 */

export class Scope {
  /** @param {Scope} [parent] */
  constructor(parent) {
    this.controller = new AbortController();
    this.signal = this.controller.signal;
    /** @type {Array<() => void>} */
    this.cleanups = [];
    // A disposed child leaves its parent's list, so long-lived parents do not grow.
    if (parent) this.defer(parent.defer(() => this.dispose()));
  }

  get disposed() {
    return this.signal.aborted;
  }

  /** @returns {Scope} */
  child() {
    return new Scope(this);
  }

  /**
   * Run `cleanup` on dispose, or now when already disposed.
   * @param {() => void} cleanup
   * @returns {() => void} forgets the cleanup without running it
   */
  defer(cleanup) {
    if (this.disposed) {
      cleanup();
      return () => {};
    }
    this.cleanups.push(cleanup);
    return () => {
      const index = this.cleanups.indexOf(cleanup);
      if (index >= 0) this.cleanups.splice(index, 1);
    };
  }

  /**
   * @param {EventTarget} target
   * @param {string} type
   * @param {(event: any) => void} handler
   * @param {AddEventListenerOptions} [options]
   */
  listen(target, type, handler, options) {
    target.addEventListener(type, handler, { ...options, signal: this.signal });
  }

  /**
   * @param {() => void} callback
   * @param {number} ms
   * @returns {() => void} cancels the timer
   */
  timeout(callback, ms) {
    const id = setTimeout(() => {
      forget();
      callback();
    }, ms);
    const forget = this.defer(() => clearTimeout(id));
    return () => {
      forget();
      clearTimeout(id);
    };
  }

  /**
   * @param {() => void} callback
   * @param {number} ms
   */
  interval(callback, ms) {
    const id = setInterval(callback, ms);
    this.defer(() => clearInterval(id));
  }

  /**
   * @template {{disconnect(): void}} T
   * @param {T} observer
   * @returns {T}
   */
  observe(observer) {
    this.defer(() => observer.disconnect());
    return observer;
  }

  /** Undo everything, newest first; a failing cleanup does not stop the others. */
  dispose() {
    if (this.disposed) return;
    this.controller.abort();
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      try {
        cleanup();
      } catch (_) {
        // Keep undoing the rest.
      }
    }
  }
}
