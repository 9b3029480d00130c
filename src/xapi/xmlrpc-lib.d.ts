// Types for the parts of the xmlrpc package (1.3.x) used directly: its request serializer and, as the
// fallback for XML the fast decoder does not handle, its response deserializer.
declare module 'xmlrpc/lib/serializer' {
  export function serializeMethodCall(method: string, params?: unknown[], encoding?: string): string;
  export function serializeMethodResponse(result: unknown): string;
}
declare module 'xmlrpc/lib/customtype' {
  class CustomType {
    constructor(raw: string);
    raw: string;
    tagName: string;
  }
  export = CustomType;
}
declare module 'xmlrpc/lib/deserializer' {
  import type { Readable } from 'node:stream';
  class Deserializer {
    constructor(encoding?: string);
    deserializeMethodResponse(stream: Readable, callback: (error: Error | null, result?: unknown) => void): void;
  }
  export = Deserializer;
}
