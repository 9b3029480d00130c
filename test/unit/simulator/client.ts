// A bare XAPI client over node's http, for the simulator's own tests: it uses the simulator's wire
// module on purpose, so these tests do not depend on the extension's client under construction.

import * as http from 'node:http';
import { XValue, decodeMethodResponse, encodeMethodCall } from '../../../simulator/xmlrpc-wire';

export interface RawResponse {
  status: number;
  contentType: string;
  body: string;
}

export function post(url: string, body: string, contentType = 'text/xml'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'Content-Type': contentType }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export type XmlAnswer = { Status: 'Success'; Value: XValue } | { Status: 'Failure'; ErrorDescription: string[] };

export async function xmlCall(url: string, method: string, params: XValue[]): Promise<XmlAnswer> {
  const res = await post(url, encodeMethodCall(method, params));
  return decodeMethodResponse(res.body) as unknown as XmlAnswer;
}

/** The Value of a successful call; throws with the ErrorDescription otherwise. */
export async function xmlValue(url: string, method: string, params: XValue[]): Promise<XValue> {
  const a = await xmlCall(url, method, params);
  if (a.Status !== 'Success') throw new Error(`${method}: ${a.ErrorDescription.join(' ')}`);
  return a.Value;
}

export async function xmlError(url: string, method: string, params: XValue[]): Promise<string[]> {
  const a = await xmlCall(url, method, params);
  if (a.Status !== 'Failure') throw new Error(`${method} succeeded, a failure was expected`);
  return a.ErrorDescription;
}

export interface JsonAnswer {
  jsonrpc?: string;
  result?: unknown;
  error?: { code: number; message: string; data: string[] };
  id: unknown;
}

export async function jsonCall(base: string, method: string, params: unknown[], id: unknown = 1): Promise<JsonAnswer & { contentType: string }> {
  const res = await post(new URL('/jsonrpc', base).toString(), JSON.stringify({ jsonrpc: '2.0', method, params, id }), 'application/json');
  return { ...(JSON.parse(res.body) as JsonAnswer), contentType: res.contentType };
}

export async function control(controlUrl: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const url = new URL(path, controlUrl).toString();
  if (body === undefined) {
    const r = await fetch(url);
    return { status: r.status, body: await r.json() };
  }
  const res = await post(url, JSON.stringify(body), 'application/json');
  return { status: res.status, body: JSON.parse(res.body) };
}
