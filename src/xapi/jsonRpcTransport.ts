// JSON-RPC transport (`POST /jsonrpc`, XenServer 6.2 and later, XCP-ng).
// Failures come back as `error: {code: 1, message: <XAPI code>, data: [params]}`.
// A server without JSON-RPC answers something else than `Content-Type: application/json` (an XML-RPC
// error, a 404 page): that raises UnsupportedTransportError, on which `auto` falls back to XML-RPC.

import { UnsupportedTransportError, XapiError, describeUnexpected } from './errors';
import { Endpoint, excerpt, notXapi } from './http';
import type { CallOptions, Transport } from './transport';
import { l10n } from '../text/l10n';

let nextId = 1;

/** The media type without parameters, lowercased: `application/json; charset=utf-8` → `application/json`. */
function mediaType(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

export function createJsonRpcTransport(endpoint: Endpoint, path = '/jsonrpc'): Transport {
  const url = endpoint.urlOf(path);
  const call = async (method: string, params: readonly unknown[], options?: CallOptions): Promise<unknown> => {
    const id = nextId++;
    const body = JSON.stringify({ jsonrpc: '2.0', method, params, id });
    const answer = await endpoint.post(path, body, 'application/json', options);
    if (mediaType(answer.contentType) !== 'application/json') {
      throw new UnsupportedTransportError(
        answer.contentType
          ? l10n.t('{0} answered HTTP {1} with {2}, not JSON: no JSON-RPC there', url, answer.status, answer.contentType)
          : l10n.t('{0} answered HTTP {1} with no Content-Type, not JSON: no JSON-RPC there', url, answer.status),
      );
    }
    let parsed: { result?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown } | null };
    try {
      parsed = JSON.parse(answer.body.toString('utf8'));
    } catch (err) {
      throw notXapi(url, l10n.t('malformed JSON: {0}; the answer starts {1}', (err as Error).message, excerpt(answer.body)), err);
    }
    if (!parsed || typeof parsed !== 'object') throw notXapi(url, l10n.t('a JSON {0} instead of a JSON-RPC answer', typeof parsed));
    const error = parsed.error;
    if (error !== undefined && error !== null) {
      if (typeof error === 'object' && typeof error.message === 'string') {
        const data = Array.isArray(error.data) ? error.data.map((x) => (typeof x === 'string' ? x : typeof x === 'number' || typeof x === 'boolean' ? String(x) : describeUnexpected(x))) : [];
        throw new XapiError(error.message, data, method);
      }
      throw notXapi(url, l10n.t('a JSON-RPC error without an XAPI code: {0}', describeUnexpected(error)));
    }
    if (!('result' in parsed)) throw notXapi(url, l10n.t('a JSON answer with neither result nor error'));
    if (answer.status !== 200) throw notXapi(url, l10n.t('HTTP {0} with a JSON-RPC result', answer.status));
    return parsed.result;
  };
  return Object.assign(call, { kind: 'jsonrpc' as const });
}
