// Writes values the way XAPI does on the wire: one line, bare strings, int64 as strings, compact dates,
// the five named entities. Used to feed both decoders the same input.

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export function xapiValue(v: unknown): string {
  if (v === '' ) return '<value/>';
  if (typeof v === 'string') return `<value>${escapeXml(v)}</value>`;
  if (typeof v === 'boolean') return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
  if (typeof v === 'number') return Number.isInteger(v) ? `<value><i4>${v}</i4></value>` : `<value><double>${v}</double></value>`;
  if (v instanceof Date) return `<value><dateTime.iso8601>${v.toISOString().replace(/\.\d+Z$/, 'Z').replace(/-/g, '')}</dateTime.iso8601></value>`;
  if (Array.isArray(v)) return v.length === 0 ? '<value><array><data/></array></value>' : `<value><array><data>${v.map(xapiValue).join('')}</data></array></value>`;
  if (v && typeof v === 'object') {
    const members = Object.entries(v).map(([k, x]) => `<member><name>${escapeXml(k)}</name>${xapiValue(x)}</member>`);
    return members.length === 0 ? '<value><struct/></value>' : `<value><struct>${members.join('')}</struct></value>`;
  }
  throw new Error(`cannot write ${String(v)}`);
}

export function xapiSuccess(value: unknown): string {
  return `<?xml version="1.0"?><methodResponse><params><param>${xapiValue({ Status: 'Success', Value: value })}</param></params></methodResponse>`;
}

export function xapiFailure(code: string, ...params: string[]): string {
  return `<?xml version="1.0"?><methodResponse><params><param>${xapiValue({ Status: 'Failure', ErrorDescription: [code, ...params] })}</param></params></methodResponse>`;
}
