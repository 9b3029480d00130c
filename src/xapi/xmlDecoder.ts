// A fast decoder for XAPI's XML-RPC responses.
//
// Why not the xmlrpc package's parser: it feeds a SAX parser event by event and builds values on a
// stack; on a 20,000-VDI `VDI.get_all_records` that is most of the time spent. XAPI writes its
// answers in one fixed shape (one line, bare `<value>text</value>` strings, the five named entities
// and numeric ones, no CDATA, no comments), so a direct scan over the
// answer's bytes does the same work several times faster. It reads the bytes as they came off the
// wire: turning a 49 MB answer into one JavaScript string first costs as much as a third of the decode,
// and every value is made a string of its own from its bytes anyway (tags are ASCII, so a multi-byte
// UTF-8 character never straddles one, and each value decodes as the whole answer would).
//
// It reads any XML-RPC value (typed `<string>`, `<i4>`, `<int>`, `<i8>`, `<boolean>`, `<double>`,
// `<dateTime.iso8601>`, `<base64>`, `<nil/>`, arrays, structs, whitespace between tags). Valid XML
// it does not handle (CDATA, comments, DOCTYPE, attributes) raises `XmlUnsupportedError`: the
// transport then hands the body to the xmlrpc package's parser. Anything else raises `XmlMalformedError`.
//
// Values come out as the xmlrpc package gives them (the unit tests compare both): bare text and
// `<string>` → string, `<i8>` → string, `<i4>`/`<int>` → number, booleans, doubles, dates → Date, base64 →
// Buffer, nil → null. One deliberate difference: a date without a zone is read as UTC (XAPI's clock),
// where the xmlrpc package reads it as local time.

export class XmlMalformedError extends Error {
  override readonly name = 'XmlMalformedError';
}
export class XmlUnsupportedError extends Error {
  override readonly name = 'XmlUnsupportedError';
}
/** A `<fault>` answer (XAPI itself never sends one, but a proxy or another XML-RPC server may). */
export class XmlRpcFault extends Error {
  override readonly name = 'XmlRpcFault';
  constructor(readonly faultCode: unknown, readonly faultString: string) {
    super(`XML-RPC fault ${String(faultCode)}: ${faultString}`);
  }
}

let s: Buffer = Buffer.alloc(0);
let i = 0;
const EMPTY = Buffer.alloc(0);

/** Decodes a whole `<methodResponse>`; returns the value of its single param, throws `XmlRpcFault` on a fault. */
/**
 * A raw NUL ends the answer's trust: no XML holds one, and a NUL in a name would cut it short in any C
 * program and in shells. Other raw C0 controls XML 1.0 forbids are read as they come: xapi's own writer
 * passes them through from a name (set over JSON-RPC, say), and refusing the whole answer would let any
 * user who can rename an object cut the admin off from an XML-RPC pool; they are cleaned where names are
 * shown and refused by the pre-flight where they would be sent back (src/procedures/preflight.ts).
 * Character references are XML's own spelling, so one naming a forbidden character (&#0;, &#27;) is refused.
 */

/** Whether a code point is an XML 1.0 `Char`, the only ones a character reference may name. */
function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

export function decodeMethodResponse(xml: string | Buffer): unknown {
  s = typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml;
  i = 0;
  // One scan of the whole answer for a NUL, whatever element it sits in.
  const nul = s.indexOf(0);
  if (nul >= 0) throw new XmlMalformedError(`a NUL character at offset ${nul}`);
  try {
    skipProlog();
    expect('<methodResponse>');
    skipWs();
    let result: unknown;
    if (at(s, '<params>', i)) {
      i += 8;
      skipWs();
      expect('<param>');
      skipWs();
      result = parseValue();
      skipWs();
      expect('</param>');
      skipWs();
      expect('</params>');
    } else if (at(s, '<fault>', i)) {
      i += 7;
      skipWs();
      const fault = parseValue() as { faultCode?: unknown; faultString?: unknown };
      skipWs();
      expect('</fault>');
      skipWs();
      expect('</methodResponse>');
      throw new XmlRpcFault(fault?.faultCode, String(fault?.faultString ?? ''));
    } else {
      fail('<params> or <fault>');
    }
    skipWs();
    expect('</methodResponse>');
    skipWs();
    if (i !== s.length) fail('the end of the document');
    return result;
  } finally {
    s = EMPTY;
    shapes.length = 0;
  }
}

/** Decodes one `<value>…</value>` (exported for tests). */
export function decodeValue(xml: string | Buffer): unknown {
  s = typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml;
  i = 0;
  try {
    skipWs();
    const v = parseValue();
    skipWs();
    if (i !== s.length) fail('the end of the document');
    return v;
  } finally {
    s = EMPTY;
    shapes.length = 0;
  }
}

function fail(what: string): never {
  if (s[i] === 60 /* < */ && s[i + 1] === 33 /* ! */) {
    throw new XmlUnsupportedError(`CDATA, comment or DOCTYPE at offset ${i}`);
  }
  const near = JSON.stringify(s.toString('utf8', i, Math.min(s.length, i + 40)));
  throw new XmlMalformedError(`expected ${what} at offset ${i}, found ${i >= s.length ? 'the end' : near}`);
}

function expect(tag: string): void {
  if (at(s, tag, i)) i += tag.length;
  else fail(tag);
}

function skipWs(): void {
  for (;;) {
    const c = s[i];
    if (c === 32 || c === 10 || c === 13 || c === 9) i++;
    else return;
  }
}

function skipProlog(): void {
  if (s[0] === 0xef && s[1] === 0xbb && s[2] === 0xbf) i = 3; // a UTF-8 byte order mark
  skipWs();
  if (at(s, '<?xml', i)) {
    const end = s.indexOf('?>', i);
    if (end < 0) fail('the end of the XML declaration');
    i = end + 2;
  }
  skipWs();
}

/**
 * Whether the bytes at `p` are `str`, an ASCII tag or a name known to be ASCII (see `Shape.ascii`), as a
 * loop TurboFan inlines: a builtin call costs more than the comparison itself for these short tags.
 */
function at(src: Buffer, str: string, p: number): boolean {
  const n = str.length;
  if (p + n > src.length) return false;
  for (let k = 0; k < n; k++) if (src[p + k] !== str.charCodeAt(k)) return false;
  return true;
}

/** Whether a member name may be matched against the answer's bytes as it is: ASCII, and no entity to decode. */
function matchesAsBytes(name: string): boolean {
  for (let k = 0; k < name.length; k++) {
    const c = name.charCodeAt(k);
    if (c >= 128 || c === 38 /* & */) return false;
  }
  return true;
}

/** An open array, or an open struct whose members are collected as names + values until it closes. */
interface Frame {
  values: unknown[];
  /** Member names (struct), or null (array). */
  names: string[] | null;
  /** Member names that were not the cached name at their place (see `shapes`). */
  misses: number;
}

/**
 * Per struct depth: the member names of the last struct seen there and, once a second struct with the
 * very same names has come, a function that builds such a struct as one object literal. Records of one
 * class all have the same members in the same order, so after the first record each one is built in a
 * single allocation with its final shape, instead of growing an object member by member (which is
 * where a get_all_records decode spent most of its time). Names are reused rather than sliced anew.
 */
interface Shape {
  names: string[];
  /** Per name: whether it can be compared with the bytes directly (matchesAsBytes). */
  plain: boolean[];
  build: ((values: unknown[]) => Record<string, unknown>) | undefined;
}
const shapes: Shape[] = [];

function buildStruct(names: string[], values: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let k = 0; k < names.length; k++) {
    // A member named __proto__ must stay a plain property, not replace the prototype.
    if (names[k] === '__proto__') Object.defineProperty(out, '__proto__', { value: values[k], enumerable: true, writable: true, configurable: true });
    else out[names[k]] = values[k];
  }
  return out;
}

/**
 * The builder for one list of member names: `(v) => ({"uuid": v[0], "name_label": v[1], …})`.
 * The names come from the server, so each is written as a JSON string literal (always a valid, inert JS
 * string literal), and names that would be special in a literal (`__proto__`) get no builder.
 */
function compileShape(names: string[]): ((values: unknown[]) => Record<string, unknown>) | undefined {
  if (names.length === 0 || names.length > 256 || names.includes('__proto__') || new Set(names).size !== names.length) return undefined;
  // Maps (other_config, sm_config …) alternate between a few key sets at one depth: a builder made once
  // per key set is reused, not compiled again each time its set comes back (and V8 optimizes it once).
  const key = names.join('\u0000');
  const known = builders.get(key);
  if (known !== undefined) return known;
  const body = names.map((n, k) => `${JSON.stringify(n)}:v[${k}]`).join(',');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const build = new Function('v', `return {${body}};`) as (values: unknown[]) => Record<string, unknown>;
  if (builders.size >= MAX_BUILDERS) builders.clear(); // names come from the server: bounded
  builders.set(key, build);
  return build;
}
const builders = new Map<string, (values: unknown[]) => Record<string, unknown>>();
const MAX_BUILDERS = 2048;

/**
 * At `<value>` or `<value/>`: decodes the whole value, nested ones included, in one loop with the
 * position in a local variable and an explicit stack of open containers (no call per member: this
 * loop is where a 20,000-record answer spends its time). Rare scalar types go through parseTyped.
 */
function parseValue(): unknown {
  const src = s;
  const len = src.length;
  let p = i;
  const stack: Frame[] = [];
  let cur: Frame | undefined;
  let v: unknown;
  const bad = (what: string): never => {
    i = p;
    return fail(what);
  };
  const ws = () => {
    let c = src[p];
    while (c === 32 || c === 10 || c === 13 || c === 9) c = src[++p];
  };

  for (;;) {
    // ---- at a <value> ----
    if (src[p] !== 60) ws();
    if (!at(src, '<value', p)) bad('<value>');
    p += 6;
    let c = src[p];
    let opened = false;
    if (c === 47 /* / */) {
      if (src[p + 1] !== 62) bad('/>');
      p += 2;
      v = '';
    } else {
      if (c !== 62 /* > */) bad('>');
      p++;
      c = src[p];
      let typed = c === 60;
      if (!typed) {
        // Bare text: XAPI's strings and int64 values. One pass finds its end and any entity in it.
        let end = p;
        let amp = false;
        for (;;) {
          const t = src[end];
          if (t === 60 /* < */) break;
          if (t === 38 /* & */) amp = true;
          else if (t === undefined) bad('</value>');
          end++;
        }
        if (at(src, '</value>', end)) {
          const text = src.toString('utf8', p, end);
          p = end + 8;
          v = amp ? decodeEntities(text) : text;
        } else {
          // Only whitespace may come before a typed value.
          for (let k = p; k < end; k++) {
            const w = src[k];
            if (w !== 32 && w !== 10 && w !== 13 && w !== 9) {
              p = end;
              bad('</value>');
            }
          }
          p = end;
          typed = true;
        }
      }
      if (typed) {
        const c1 = src[p + 1];
        if (c1 === 47 /* </ */) {
          if (!at(src, '</value>', p)) bad('</value>');
          p += 8;
          v = '';
        } else if (c1 === 115 /* s */ && at(src, '<struct>', p)) {
          p += 8;
          if (cur) stack.push(cur);
          cur = { values: [], names: [], misses: 0 };
          opened = true;
        } else if (c1 === 97 /* a */ && at(src, '<array>', p)) {
          p += 7;
          ws();
          if (at(src, '<data/>', p)) {
            p += 7;
            ws();
            if (!at(src, '</array>', p)) bad('</array>');
            p += 8;
            ws();
            if (!at(src, '</value>', p)) bad('</value>');
            p += 8;
            v = [];
          } else {
            if (!at(src, '<data>', p)) bad('<data>');
            p += 6;
            if (cur) stack.push(cur);
            cur = { values: [], names: null, misses: 0 };
            opened = true;
          }
        } else if (c1 === 98 /* b */ && at(src, '<boolean>', p) && at(src, '</boolean></value>', p + 10) &&
          (src[p + 9] === 48 || src[p + 9] === 49)) {
          v = src[p + 9] === 49;
          p += 28;
        } else if (c1 === 33 /* ! */) {
          throw new XmlUnsupportedError(`CDATA or comment at offset ${p}`);
        } else {
          i = p;
          v = parseTyped();
          p = i;
          ws();
          if (!at(src, '</value>', p)) bad('</value>');
          p += 8;
        }
      }
    }

    // ---- a value is complete (v), or a container was just opened: find the next value position ----
    for (;;) {
      if (!opened) {
        if (cur === undefined) {
          i = p;
          return v;
        }
        cur.values.push(v);
        if (cur.names !== null) {
          if (at(src, '</member>', p)) p += 9;
          else {
            ws();
            if (!at(src, '</member>', p)) bad('</member>');
            p += 9;
          }
        }
      }
      opened = false;
      if (src[p] !== 60) ws();
      const names = cur!.names;
      if (names === null) {
        if (src[p + 1] === 118 /* <v */) break; // next <value>
        if (!at(src, '</data>', p)) bad('<value> or </data>');
        p += 7;
        ws();
        if (!at(src, '</array>', p)) bad('</array>');
        p += 8;
        v = cur!.values;
      } else {
        if (at(src, '<member>', p)) {
          p += 8;
          if (src[p] !== 60) ws();
          if (!at(src, '<name>', p)) bad('<name>');
          p += 6;
          const depth = stack.length;
          let shape = shapes[depth];
          if (shape === undefined) shapes[depth] = shape = { names: [], plain: [], build: undefined };
          const n = names.length;
          // The name at this place in the last struct of this depth, compared with the bytes as they are
          // only when that comparison means the same as comparing decoded text (see matchesAsBytes).
          const known = cur!.misses === 0 && shape.plain[n] === true ? shape.names[n] : undefined;
          if (known !== undefined && at(src, known, p) && at(src, '</name>', p + known.length)) {
            names.push(known);
            p += known.length + 7;
          } else {
            let end = p;
            while (end < len && src[end] !== 60) end++;
            if (end >= len || !at(src, '</name>', end)) {
              p = end;
              bad('</name>');
            }
            const text = src.toString('utf8', p, end);
            names.push(text.indexOf('&') < 0 ? text : decodeEntities(text));
            cur!.misses++;
            p = end + 7;
          }
          break; // its <value>
        }
        if (!at(src, '</struct>', p)) bad('<member> or </struct>');
        p += 9;
        const depth = stack.length;
        const shape = shapes[depth];
        if (cur!.misses === 0 && shape !== undefined && names.length === shape.names.length) {
          // Same names as the last struct at this depth: build it in one go.
          if (shape.build === undefined) shape.build = compileShape(shape.names);
          v = shape.build !== undefined ? shape.build(cur!.values) : buildStruct(names, cur!.values);
        } else {
          v = buildStruct(names, cur!.values);
          shapes[depth] = { names, plain: names.map(matchesAsBytes), build: undefined };
        }
      }
      // The container closed: it is a value of its parent.
      ws();
      if (!at(src, '</value>', p)) bad('</value>');
      p += 8;
      cur = stack.pop();
    }
  }
}

/** Text up to the next `<`, which must start `close`. */
function textUntil(close: string): string {
  const end = s.indexOf(60, i);
  if (end < 0 || !at(s, close, end)) {
    i = end < 0 ? s.length : end;
    fail(close);
  }
  const text = s.toString('utf8', i, end);
  i = end + close.length;
  return text.indexOf('&') < 0 ? text : decodeEntities(text);
}

function parseTyped(): unknown {
  // At '<name>' or '<name/>'.
  const close = s.indexOf(62 /* > */, i);
  if (close < 0) fail('a tag');
  const selfClosing = s[close - 1] === 47;
  const name = s.toString('utf8', i + 1, selfClosing ? close - 1 : close);
  i = close + 1;
  switch (name) {
    case 'struct':
      if (selfClosing) return {};
      break;
    case 'array':
      if (selfClosing) return [];
      break;
    case 'string':
      return selfClosing ? '' : textUntil('</string>');
    case 'i4':
    case 'int': {
      if (selfClosing) fail('an integer');
      const t = textUntil(name === 'int' ? '</int>' : '</i4>');
      const n = parseInt(t, 10);
      if (Number.isNaN(n)) throw new XmlMalformedError(`expected an integer, found ${JSON.stringify(t)}`);
      return n;
    }
    case 'i8': {
      if (selfClosing) fail('an integer');
      const t = textUntil('</i8>');
      if (!/^-?\d+$/.test(t)) throw new XmlMalformedError(`expected an integer (i8), found ${JSON.stringify(t)}`);
      return t;
    }
    case 'boolean': {
      const t = selfClosing ? '' : textUntil('</boolean>');
      if (t === '1') return true;
      if (t === '0') return false;
      throw new XmlMalformedError(`expected a boolean (1 or 0), found ${JSON.stringify(t)}`);
    }
    case 'double': {
      const t = selfClosing ? '' : textUntil('</double>');
      const n = parseFloat(t);
      if (Number.isNaN(n)) throw new XmlMalformedError(`expected a double, found ${JSON.stringify(t)}`);
      return n;
    }
    case 'dateTime.iso8601': {
      const t = selfClosing ? '' : textUntil('</dateTime.iso8601>');
      return parseXapiDate(t);
    }
    case 'base64':
      return Buffer.from(selfClosing ? '' : textUntil('</base64>'), 'base64');
    case 'nil':
      if (!selfClosing) expect('</nil>');
      return null;
  }
  if (name.includes(' ') || name.includes('=')) throw new XmlUnsupportedError(`attributes on <${name}>`);
  if (name.startsWith('!')) throw new XmlUnsupportedError(`<${name.slice(0, 20)}…>`);
  throw new XmlMalformedError(`unknown XML-RPC type <${name.slice(0, 40)}>`);
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const ENTITY = /&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);|&/g;

export function decodeEntities(text: string): string {
  return text.replace(ENTITY, (whole, body: string | undefined) => {
    if (body === undefined) throw new XmlMalformedError('a bare & in text');
    if (body.charCodeAt(0) === 35 /* # */) {
      const cp = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!isXmlChar(cp)) throw new XmlMalformedError(`bad character reference ${whole}: XML 1.0 allows no such character`);
      return String.fromCodePoint(cp);
    }
    const named = NAMED[body];
    if (named === undefined) throw new XmlMalformedError(`unknown entity ${whole}`);
    return named;
  });
}

const COMPACT_DATE = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** XAPI's dates: `20200407T08:28:32Z` (compact) or `2020-04-07T08:28:32Z`; no zone = UTC. */
export function parseXapiDate(text: string): Date {
  const fast = compactUtc(text);
  if (fast !== undefined) return new Date(fast);
  const m = COMPACT_DATE.exec(text.trim());
  if (!m) throw new XmlMalformedError(`expected an ISO 8601 date, found ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${sec}${frac ?? ''}${!zone || zone === 'Z' ? 'Z' : zone.length === 3 ? `${zone}:00` : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`}`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new XmlMalformedError(`bad date ${JSON.stringify(text)}`);
  return date;
}

/**
 * The form xapi writes every date in, `YYYYMMDDThh:mm:ssZ`, read from its digits (the regex and the
 * ISO string it would build cost more than the rest of a record); undefined for any other form, or an
 * impossible date (the general path then says why).
 */
function compactUtc(t: string): number | undefined {
  if (t.length !== 18 || t.charCodeAt(8) !== 84 /* T */ || t.charCodeAt(11) !== 58 || t.charCodeAt(14) !== 58 || t.charCodeAt(17) !== 90 /* Z */) return undefined;
  const d = (k: number): number => {
    const c = t.charCodeAt(k) - 48;
    return c >= 0 && c <= 9 ? c : NaN;
  };
  const y = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  const mo = d(4) * 10 + d(5);
  const day = d(6) * 10 + d(7);
  const h = d(9) * 10 + d(10);
  const mi = d(12) * 10 + d(13);
  const sec = d(15) * 10 + d(16);
  if (!(y >= 100 && mo >= 1 && mo <= 12 && day >= 1 && day <= 31 && h <= 24 && mi <= 59 && sec <= 59)) return undefined;
  const ms = Date.UTC(y, mo - 1, day, h, mi, sec);
  // Date.UTC rolls 31 April over into May, where the general path's Date refuses it: let it refuse.
  return new Date(ms).getUTCDate() === day ? ms : undefined;
}
