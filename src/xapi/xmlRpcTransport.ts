// XML-RPC transport (`POST /`, every XAPI version).
// Requests are built by the xmlrpc package's serializer; answers are read by our fast decoder
// (xmlDecoder.ts), with the xmlrpc package's own parser as the fallback for XML shapes XAPI never
// writes (CDATA, comments) so that any valid XML-RPC answer still decodes.

import { PassThrough } from 'node:stream';
import { serializeMethodCall } from 'xmlrpc/lib/serializer';
import CustomType = require('xmlrpc/lib/customtype');
import Deserializer = require('xmlrpc/lib/deserializer');
import { XapiError } from './errors';
import { Endpoint, excerpt, notXapi } from './http';
import { XapiFloat, type CallOptions, type Transport } from './transport';
import { XmlMalformedError, XmlRpcFault, XmlUnsupportedError, decodeMethodResponse } from './xmlDecoder';
import { l10n } from '../text/l10n';

class TypedValue extends CustomType {
  constructor(raw: string, tag: string) {
    super(raw);
    this.tagName = tag;
  }
}

// Strings the xmlrpc package would put in CDATA. Its CDATA writer (xmlbuilder 8) splits only the first
// `]]>` of a string, so a second one ends the section early and the server reads a different string;
// escaped text (what xapi itself writes) has no such edge.
const NEEDS_ESCAPED_TEXT = /[<&\r]|]]>/;

/**
 * XAPI's conventions for parameters: int64 as decimal strings, floats as <double>, dates compact UTC,
 * and strings with markup characters as escaped text rather than the xmlrpc package's CDATA.
 */
export function toXmlRpcParam(v: unknown): unknown {
  if (typeof v === 'string') return NEEDS_ESCAPED_TEXT.test(v) ? new TypedValue(v, 'string') : v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof XapiFloat) return new TypedValue(Number.isInteger(v.value) ? `${v.value}.0` : String(v.value), 'double');
  if (v instanceof Date) return new TypedValue(compactDate(v), 'dateTime.iso8601');
  if (Array.isArray(v)) return v.map(toXmlRpcParam);
  if (v && typeof v === 'object' && !Buffer.isBuffer(v) && !(v instanceof CustomType)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toXmlRpcParam(x);
    return out;
  }
  return v;
}

export function compactDate(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z').replace(/-/g, '');
}

/** Checks XAPI's `{Status, Value | ErrorDescription}` envelope; returns Value or throws XapiError. */
export function unwrapXapiResult(result: unknown, method: string, url: string): unknown {
  const r = result as { Status?: unknown; Value?: unknown; ErrorDescription?: unknown } | null;
  if (r && typeof r === 'object') {
    if (r.Status === 'Success') return r.Value === undefined ? '' : r.Value;
    if (r.Status === 'Failure') {
      const d = Array.isArray(r.ErrorDescription) ? r.ErrorDescription.map((x) => String(x)) : [];
      throw new XapiError(d[0] ?? 'UNKNOWN_ERROR', d.slice(1), method);
    }
  }
  throw notXapi(url, l10n.t('its XML-RPC answer has no Status member'));
}

/** Parses with the xmlrpc package (the fallback). */
function slowDecode(body: Buffer): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const stream = new PassThrough();
    new Deserializer('utf8').deserializeMethodResponse(stream, (err, value) => (err ? reject(err) : resolve(value)));
    stream.end(body);
  });
}

/** Decodes an XML-RPC answer body into the method's Value (or throws XapiError / TransportError). */
export async function decodeXmlRpcAnswer(body: Buffer, method: string, url: string): Promise<unknown> {
  let decoded: unknown;
  try {
    decoded = decodeMethodResponse(body);
  } catch (err) {
    if (err instanceof XmlUnsupportedError) {
      try {
        decoded = await slowDecode(body);
      } catch (slowErr) {
        const fault = slowErr as { faultCode?: unknown; faultString?: unknown };
        if (fault.faultString !== undefined) throw notXapi(url, l10n.t('an XML-RPC fault: {0}', String(fault.faultString)), slowErr);
        throw notXapi(url, l10n.t('malformed XML-RPC: {0}; the answer starts {1}', (slowErr as Error).message, excerpt(body)), slowErr);
      }
    } else if (err instanceof XmlRpcFault) {
      throw notXapi(url, l10n.t('an XML-RPC fault: {0}', err.faultString), err);
    } else if (err instanceof XmlMalformedError) {
      throw notXapi(url, l10n.t('malformed XML-RPC: {0}; the answer starts {1}', err.message, excerpt(body)), err);
    } else {
      throw err;
    }
  }
  return unwrapXapiResult(decoded, method, url);
}

export function createXmlRpcTransport(endpoint: Endpoint, path = '/'): Transport {
  const url = endpoint.urlOf(path);
  const call = async (method: string, params: readonly unknown[], options?: CallOptions): Promise<unknown> => {
    const xml = serializeMethodCall(method, params.map(toXmlRpcParam));
    const answer = await endpoint.post(path, xml, 'text/xml', options);
    if (answer.status !== 200) {
      throw notXapi(url, l10n.t('HTTP {0} to an XML-RPC call; the answer starts {1}', answer.status, excerpt(answer.body)));
    }
    return decodeXmlRpcAnswer(answer.body, method, url);
  };
  return Object.assign(call, { kind: 'xmlrpc' as const });
}
