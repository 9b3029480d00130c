// JSON-RPC as xapi writes it: int64 values are bare number literals (bigint too, so values above 2^53
// survive), dates are xapi's compact strings, failures are {code: 1, message: CODE, data: params}.

import { Cached, XDouble, XI4, XValue, formatXapiDate } from './xmlrpc-wire';

export function encodeJsonValue(v: XValue, out: string[]): void {
  if (typeof v === 'string') out.push(JSON.stringify(v));
  else if (typeof v === 'number') out.push(isFinite(v) ? String(v) : '0');
  else if (typeof v === 'bigint') out.push(v.toString());
  else if (typeof v === 'boolean') out.push(v ? 'true' : 'false');
  else if (v === null || v === undefined) out.push('null');
  else if (v instanceof Cached) {
    if (v.json === undefined) {
      const parts: string[] = [];
      encodeJsonValue(v.value, parts);
      v.json = parts.join('');
    }
    out.push(v.json);
  } else if (v instanceof Date) out.push('"' + formatXapiDate(v) + '"');
  else if (v instanceof XDouble || v instanceof XI4) out.push(isFinite(v.value) ? String(v.value) : '0');
  else if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(',');
      encodeJsonValue(v[i], out);
    }
    out.push(']');
  } else {
    out.push('{');
    let first = true;
    for (const k of Object.keys(v)) {
      out.push(first ? JSON.stringify(k) + ':' : ',' + JSON.stringify(k) + ':');
      first = false;
      encodeJsonValue(v[k], out);
    }
    out.push('}');
  }
}

type JsonId = string | number | null;

function idJson(id: JsonId): string {
  return JSON.stringify(id ?? null);
}

export function encodeJsonSuccess(value: XValue, id: JsonId, v2: boolean): string {
  const out: string[] = [v2 ? '{"jsonrpc":"2.0","result":' : '{"result":'];
  encodeJsonValue(value, out);
  out.push(v2 ? ',"id":' + idJson(id) + '}' : ',"error":null,"id":' + idJson(id) + '}');
  return out.join('');
}

/** encodeJsonSuccess as byte chunks: a cached value is sent from its cached bytes. */
export function encodeJsonSuccessChunks(value: XValue, id: JsonId, v2: boolean): Buffer[] {
  if (!(value instanceof Cached)) return [Buffer.from(encodeJsonSuccess(value, id, v2), 'utf8')];
  return [
    Buffer.from(v2 ? '{"jsonrpc":"2.0","result":' : '{"result":'),
    value.jsonBytes(encodeJsonValue),
    Buffer.from(v2 ? ',"id":' + idJson(id) + '}' : ',"error":null,"id":' + idJson(id) + '}'),
  ];
}

export function encodeJsonFailure(errorDescription: string[], id: JsonId, v2: boolean): string {
  const [code, ...params] = errorDescription;
  const error = JSON.stringify({ code: 1, message: code, data: params });
  return v2
    ? '{"jsonrpc":"2.0","error":' + error + ',"id":' + idJson(id) + '}'
    : '{"result":null,"error":' + error + ',"id":' + idJson(id) + '}';
}

export interface JsonRequest {
  method: string;
  params: XValue[];
  id: JsonId;
  v2: boolean;
}

export class JsonRpcParseError extends Error {}

/** Reads a JSON-RPC request; int64 literals beyond 2^53 lose precision here, as they do in most clients. */
export function decodeJsonRequest(body: string): JsonRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    throw new JsonRpcParseError(`invalid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new JsonRpcParseError('request is not an object');
  const o = parsed as Record<string, unknown>;
  if (typeof o.method !== 'string' || o.method === '') throw new JsonRpcParseError('no method');
  const params = o.params === undefined ? [] : o.params;
  if (!Array.isArray(params)) throw new JsonRpcParseError('params is not an array');
  const id = typeof o.id === 'string' || typeof o.id === 'number' ? o.id : null;
  return { method: o.method, params: params as XValue[], id, v2: o.jsonrpc === '2.0' };
}
