// The one signature every transport has: (method, params) → the method's Value, or a thrown
// XapiError (XAPI said no) / TransportError (no XAPI answer). Like Xen Orchestra's transports/*.mjs.

export type TransportKind = 'xmlrpc' | 'jsonrpc';
export type TransportChoice = 'auto' | TransportKind;

export interface CallOptions {
  /** Cancels the request (the event watcher's stop). */
  signal?: AbortSignal;
  /** Longest silence on the connection before giving up, in ms (event.from needs more than its own timeout). */
  idleTimeoutMs?: number;
}

export interface Transport {
  (method: string, params: readonly unknown[], options?: CallOptions): Promise<unknown>;
  /** Which wire format it ended up speaking (`auto` knows only after its first answer). */
  readonly kind: TransportKind | undefined;
}

/**
 * A parameter XAPI types as `float`: sent as `<double>` in XML-RPC (the xmlrpc package would write a
 * whole number as `<int>`), as a number in JSON-RPC. `event.from`'s timeout is one.
 */
export class XapiFloat {
  constructor(readonly value: number) {}
  toJSON(): number {
    return this.value;
  }
}
