// XML-RPC as xapi writes and reads it (see /work/shared/notes/xapi-wire.md).
//
// Values in the simulator are plain JS values; where JS cannot say which XML-RPC type a value has,
// a small wrapper does: a JS integer is an int64 (written bare, as xapi does), `XDouble` forces
// `<double>`, `XI4` forces `<i4>` (event.from's valid_ref_counts is the one place xapi uses it).
// `Cached` memoizes the serialized form of a subtree, so a 20,000-VDI get_all_records re-sends the
// same strings instead of re-encoding every record on every call.

export class XDouble {
  constructor(readonly value: number) {}
}
export class XI4 {
  constructor(readonly value: number) {}
}
/** A subtree whose XML and JSON encodings are computed once; replace it (don't mutate) when it changes. */
export class Cached {
  xml: string | undefined;
  json: string | undefined;
  private xmlBuf: Buffer | undefined;
  private jsonBuf: Buffer | undefined;
  constructor(readonly value: XValue) {}

  /** The `<value>` as UTF-8 bytes, so a big answer goes out without being copied again. */
  xmlBytes(): Buffer {
    if (!this.xmlBuf) {
      if (this.xml === undefined) {
        const parts: string[] = [];
        encodeXmlValue(this, parts);
      }
      this.xmlBuf = Buffer.from(this.xml!, 'utf8');
    }
    return this.xmlBuf;
  }
  /** The JSON text as UTF-8 bytes (see xmlBytes); `encode` is jsonrpc.ts's encoder. */
  jsonBytes(encode: (v: XValue, out: string[]) => void): Buffer {
    if (!this.jsonBuf) {
      if (this.json === undefined) encode(this, []);
      this.jsonBuf = Buffer.from(this.json!, 'utf8');
    }
    return this.jsonBuf;
  }
}

export type XValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | XDouble
  | XI4
  | Cached
  | null
  | XValue[]
  | XStruct;
export interface XStruct {
  [key: string]: XValue;
}

// ---- encoding ------------------------------------------------------------------------------------

const NEEDS_ESCAPE = /[&<>]/; // not global: a global regex's test() keeps state between calls
const ESCAPE_RE = /[&<>]/g;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
export function escapeXml(s: string): string {
  // The test keeps the common case (no special characters) free of a replace's allocation.
  return NEEDS_ESCAPE.test(s) ? s.replace(ESCAPE_RE, (c) => ESCAPES[c]) : s;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}
/** xapi's compact dateTime form, `20200407T08:28:32Z`, used on both transports. */
export function formatXapiDate(d: Date): string {
  if (isNaN(d.getTime())) return '19700101T00:00:00Z';
  const y = d.getUTCFullYear();
  return (
    String(y).padStart(4, '0') + pad2(d.getUTCMonth() + 1) + pad2(d.getUTCDate()) + 'T' +
    pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()) + ':' + pad2(d.getUTCSeconds()) + 'Z'
  );
}
/** Accepts `20200407T08:28:32Z`, `2020-04-07T08:28:32Z` and the offset-less forms xapi accepts. */
export function parseXapiDate(s: string): Date {
  const t = s.trim();
  const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (!m) return new Date(NaN);
  let ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  const tz = m[7];
  if (tz && tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    ms -= sign * (+digits.slice(0, 2) * 60 + +digits.slice(2, 4)) * 60_000;
  }
  return new Date(ms);
}

function formatDouble(n: number): string {
  if (!isFinite(n)) return '0';
  // Up to 16 significant digits, like xapi's "%.16g"; drop the exponent form XML-RPC doesn't allow.
  const s = Number(n.toPrecision(16)).toString();
  return s.includes('e') ? n.toFixed(20).replace(/\.?0+$/, '') : s;
}

/** Appends the `<value>…</value>` of `v` to `out`. */
export function encodeXmlValue(v: XValue, out: string[]): void {
  if (typeof v === 'string') {
    out.push(v === '' ? '<value/>' : '<value>' + escapeXml(v) + '</value>');
  } else if (typeof v === 'number') {
    if (Number.isInteger(v)) out.push('<value>' + v + '</value>');
    else out.push('<value><double>' + formatDouble(v) + '</double></value>');
  } else if (typeof v === 'bigint') {
    out.push('<value>' + v.toString() + '</value>');
  } else if (typeof v === 'boolean') {
    out.push(v ? '<value><boolean>1</boolean></value>' : '<value><boolean>0</boolean></value>');
  } else if (v === null || v === undefined) {
    out.push('<value><nil/></value>');
  } else if (v instanceof Cached) {
    if (v.xml === undefined) {
      const parts: string[] = [];
      encodeXmlValue(v.value, parts);
      v.xml = parts.join('');
    }
    out.push(v.xml);
  } else if (v instanceof Date) {
    out.push('<value><dateTime.iso8601>' + formatXapiDate(v) + '</dateTime.iso8601></value>');
  } else if (v instanceof XDouble) {
    out.push('<value><double>' + formatDouble(v.value) + '</double></value>');
  } else if (v instanceof XI4) {
    out.push('<value><i4>' + (v.value | 0) + '</i4></value>');
  } else if (Array.isArray(v)) {
    if (v.length === 0) {
      out.push('<value><array><data/></array></value>');
      return;
    }
    out.push('<value><array><data>');
    for (const item of v) encodeXmlValue(item, out);
    out.push('</data></array></value>');
  } else {
    const keys = Object.keys(v);
    if (keys.length === 0) {
      out.push('<value><struct/></value>');
      return;
    }
    out.push('<value><struct>');
    for (const k of keys) {
      out.push('<member><name>' + escapeXml(k) + '</name>');
      encodeXmlValue(v[k], out);
      out.push('</member>');
    }
    out.push('</struct></value>');
  }
}

const RESPONSE_HEAD = '<?xml version="1.0"?><methodResponse><params><param>';
const RESPONSE_TAIL = '</param></params></methodResponse>';

export function encodeSuccess(value: XValue): string {
  const out: string[] = [RESPONSE_HEAD, '<value><struct><member><name>Status</name><value>Success</value></member><member><name>Value</name>'];
  encodeXmlValue(value, out);
  out.push('</member></struct></value>', RESPONSE_TAIL);
  return out.join('');
}

/** encodeSuccess as byte chunks: a cached value (get_all_records) is sent from its cached bytes. */
export function encodeSuccessChunks(value: XValue): Buffer[] {
  if (!(value instanceof Cached)) return [Buffer.from(encodeSuccess(value), 'utf8')];
  return [SUCCESS_HEAD_BYTES, value.xmlBytes(), SUCCESS_TAIL_BYTES];
}
const SUCCESS_HEAD_BYTES = Buffer.from(RESPONSE_HEAD + '<value><struct><member><name>Status</name><value>Success</value></member><member><name>Value</name>');
const SUCCESS_TAIL_BYTES = Buffer.from('</member></struct></value>' + RESPONSE_TAIL);

export function encodeFailure(errorDescription: string[]): string {
  const out: string[] = [RESPONSE_HEAD, '<value><struct><member><name>Status</name><value>Failure</value></member><member><name>ErrorDescription</name>'];
  encodeXmlValue(errorDescription, out);
  out.push('</member></struct></value>', RESPONSE_TAIL);
  return out.join('');
}

/**
 * An XML-RPC fault, as xapi 1.x answers a body it cannot parse (xen-api-libs xMLRPC.ml `To.fault`:
 * faultCode as <i4>, faultString bare, no XML declaration).
 */
export function encodeFault(code: number, message: string): string {
  return '<methodResponse><fault><value><struct><member><name>faultCode</name><value><i4>' + String(code) +
    '</i4></value></member><member><name>faultString</name><value>' + escapeXml(message) +
    '</value></member></struct></value></fault></methodResponse>';
}

/** A methodCall as clients send it (tests use this; int64 params should be passed as strings). */
export function encodeMethodCall(method: string, params: XValue[]): string {
  const out: string[] = ['<?xml version="1.0"?><methodCall><methodName>', escapeXml(method), '</methodName><params>'];
  for (const p of params) {
    out.push('<param>');
    encodeXmlValue(p, out);
    out.push('</param>');
  }
  out.push('</params></methodCall>');
  return out.join('');
}

// ---- decoding ------------------------------------------------------------------------------------

export class XmlRpcParseError extends Error {}

/** A minimal XML element tree: enough for XML-RPC, tolerant of whitespace, comments, PIs, CDATA. */
interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string; // concatenated character data directly inside this element
}

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_m, e: string) => {
    switch (e) {
      case 'amp': return '&';
      case 'lt': return '<';
      case 'gt': return '>';
      case 'quot': return '"';
      case 'apos': return "'";
      default: {
        const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
      }
    }
  });
}

export function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: '#document', children: [], text: '' };
  const stack: XmlElement[] = [root];
  const texts: string[][] = [[]];
  let i = 0;
  const n = xml.length;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) {
      texts[texts.length - 1].push(decodeEntities(xml.slice(i)));
      break;
    }
    if (lt > i) texts[texts.length - 1].push(decodeEntities(xml.slice(i, lt)));
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end < 0) throw new XmlRpcParseError('unterminated comment');
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9);
      if (end < 0) throw new XmlRpcParseError('unterminated CDATA');
      texts[texts.length - 1].push(xml.slice(lt + 9, end));
      i = end + 3;
    } else if (xml[lt + 1] === '?' || xml[lt + 1] === '!') {
      const end = xml.indexOf('>', lt);
      if (end < 0) throw new XmlRpcParseError('unterminated declaration');
      i = end + 1;
    } else if (xml[lt + 1] === '/') {
      const end = xml.indexOf('>', lt);
      if (end < 0) throw new XmlRpcParseError('unterminated end tag');
      const name = xml.slice(lt + 2, end).trim();
      const top = stack.pop();
      const t = texts.pop();
      if (!top || stack.length === 0 || top.name !== name) throw new XmlRpcParseError(`unexpected </${name}>`);
      top.text = t!.join('');
      i = end + 1;
    } else {
      const end = xml.indexOf('>', lt);
      if (end < 0) throw new XmlRpcParseError('unterminated tag');
      let inner = xml.slice(lt + 1, end);
      const selfClosing = inner.endsWith('/');
      if (selfClosing) inner = inner.slice(0, -1);
      const name = inner.trim().split(/\s/, 1)[0];
      if (!name) throw new XmlRpcParseError('empty tag name');
      const el: XmlElement = { name, children: [], text: '' };
      stack[stack.length - 1].children.push(el);
      if (!selfClosing) {
        stack.push(el);
        texts.push([]);
      }
      i = end + 1;
    }
  }
  if (stack.length !== 1) throw new XmlRpcParseError(`unclosed <${stack[stack.length - 1].name}>`);
  return root;
}

function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

function parseInteger(s: string): number | bigint {
  const t = s.trim();
  if (!/^[+-]?\d+$/.test(t)) throw new XmlRpcParseError(`bad integer ${JSON.stringify(t)}`);
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : BigInt(t);
}

/** Decodes a `<value>` element: untyped text is a string, typed values get their JS type. */
export function decodeValue(valueEl: XmlElement): XValue {
  if (valueEl.children.length === 0) return valueEl.text;
  const t = valueEl.children[0];
  switch (t.name) {
    case 'string':
      return t.text;
    case 'i4':
    case 'int':
    case 'i8':
      return parseInteger(t.text);
    case 'double': {
      const d = Number(t.text.trim());
      if (t.text.trim() === '' || isNaN(d)) throw new XmlRpcParseError(`bad double ${JSON.stringify(t.text)}`);
      return d;
    }
    case 'boolean': {
      const b = t.text.trim();
      if (b === '1' || b === 'true') return true;
      if (b === '0' || b === 'false') return false;
      throw new XmlRpcParseError(`bad boolean ${JSON.stringify(b)}`);
    }
    case 'dateTime.iso8601': {
      const d = parseXapiDate(t.text);
      if (isNaN(d.getTime())) throw new XmlRpcParseError(`bad dateTime ${JSON.stringify(t.text)}`);
      return d;
    }
    case 'base64':
      return Buffer.from(t.text.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'nil':
      return null;
    case 'array': {
      const data = child(t, 'data');
      if (!data) return [];
      return data.children.filter((c) => c.name === 'value').map(decodeValue);
    }
    case 'struct': {
      const out: XStruct = {};
      for (const m of t.children) {
        if (m.name !== 'member') continue;
        const nameEl = child(m, 'name');
        const v = child(m, 'value');
        if (!nameEl || !v) throw new XmlRpcParseError('struct member without name or value');
        out[nameEl.text] = decodeValue(v);
      }
      return out;
    }
    default:
      throw new XmlRpcParseError(`unknown type <${t.name}>`);
  }
}

export interface MethodCall {
  method: string;
  params: XValue[];
}

export function decodeMethodCall(xml: string): MethodCall {
  const doc = parseXml(xml);
  const call = child(doc, 'methodCall');
  if (!call) throw new XmlRpcParseError('no <methodCall>');
  const nameEl = child(call, 'methodName');
  if (!nameEl || nameEl.text.trim() === '') throw new XmlRpcParseError('no <methodName>');
  const paramsEl = child(call, 'params');
  const params: XValue[] = [];
  for (const p of paramsEl?.children ?? []) {
    if (p.name !== 'param') continue;
    const v = child(p, 'value');
    if (!v) throw new XmlRpcParseError('<param> without <value>');
    params.push(decodeValue(v));
  }
  return { method: nameEl.text.trim(), params };
}

/** Decodes a methodResponse into its single value (the xapi Status struct); faults are thrown. */
export function decodeMethodResponse(xml: string): XValue {
  const doc = parseXml(xml);
  const resp = child(doc, 'methodResponse');
  if (!resp) throw new XmlRpcParseError('no <methodResponse>');
  const fault = child(resp, 'fault');
  if (fault) {
    const v = child(fault, 'value');
    throw new XmlRpcParseError(`fault ${JSON.stringify(v ? decodeValue(v) : null)}`);
  }
  const param = child(child(resp, 'params') ?? resp, 'param');
  const v = param && child(param, 'value');
  if (!v) throw new XmlRpcParseError('response without value');
  return decodeValue(v);
}
