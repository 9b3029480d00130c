// `auto`: JSON-RPC where the server has it, XML-RPC otherwise (as Xen Orchestra's transports/auto.mjs).
// The first call goes over JSON-RPC; if the answer is not JSON (XCP 1.x treats /jsonrpc as XML-RPC and
// answers XML; other servers give a 404), the call is repeated over XML-RPC and the choice is kept.
// Network failures do not switch: XML-RPC would meet the same host.

import { UnsupportedTransportError } from './errors';
import { Endpoint, notXapi } from './http';
import { createJsonRpcTransport } from './jsonRpcTransport';
import type { CallOptions, Transport, TransportChoice, TransportKind } from './transport';
import { createXmlRpcTransport } from './xmlRpcTransport';
import { l10n } from '../text/l10n';

export function createAutoTransport(endpoint: Endpoint): Transport {
  const json = createJsonRpcTransport(endpoint);
  const xml = createXmlRpcTransport(endpoint);
  let chosen: Transport | undefined;
  let probing: Promise<unknown> | undefined;

  const call = async (method: string, params: readonly unknown[], options?: CallOptions): Promise<unknown> => {
    if (chosen) return chosen(method, params, options);
    if (probing) {
      // Calls made while the first one probes wait for its outcome, so only one probe is ever sent.
      await probing.catch(() => undefined);
      if (chosen) return (chosen as Transport)(method, params, options);
    }
    const attempt = json(method, params, options);
    probing = attempt;
    try {
      const result = await attempt;
      chosen = json;
      return result;
    } catch (err) {
      if (err instanceof UnsupportedTransportError) {
        chosen = xml;
        return xml(method, params, options);
      }
      // An XAPI error answered in JSON also proves JSON-RPC works.
      if ((err as Error)?.name === 'XapiError') chosen = json;
      throw err;
    } finally {
      probing = undefined;
    }
  };
  return Object.defineProperty(call, 'kind', { get: () => chosen?.kind, enumerable: true }) as Transport;
}

export function createTransport(endpoint: Endpoint, choice: TransportChoice): Transport {
  switch (choice) {
    case 'xmlrpc':
      return createXmlRpcTransport(endpoint);
    case 'jsonrpc': {
      const json = createJsonRpcTransport(endpoint);
      // Forced JSON-RPC on a server without it: say so plainly instead of falling back.
      const call = async (method: string, params: readonly unknown[], options?: CallOptions) => {
        try {
          return await json(method, params, options);
        } catch (err) {
          if (err instanceof UnsupportedTransportError) {
            throw notXapi(endpoint.urlOf('/jsonrpc'), l10n.t('{0}; this host may predate JSON-RPC (XenServer 6.2): use the XML-RPC transport', err.message), err);
          }
          throw err;
        }
      };
      return Object.assign(call, { kind: 'jsonrpc' as TransportKind });
    }
    default:
      return createAutoTransport(endpoint);
  }
}
