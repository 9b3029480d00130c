import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import Deserializer = require('xmlrpc/lib/deserializer');
import { serializeMethodResponse } from 'xmlrpc/lib/serializer';
import {
  XmlMalformedError, XmlRpcFault, XmlUnsupportedError, decodeEntities, decodeMethodResponse, parseXapiDate,
} from '../../../src/xapi/xmlDecoder';
import { decodeXmlRpcAnswer } from '../../../src/xapi/xmlRpcTransport';
import { XapiError, TransportError } from '../../../src/xapi/errors';
import { xapiFailure, xapiSuccess } from './xapiXml';

/** What the xmlrpc package makes of the same bytes. */
function reference(xml: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const stream = new PassThrough();
    new Deserializer('utf8').deserializeMethodResponse(stream, (err, value) => (err ? reject(err) : resolve(value)));
    stream.end(Buffer.from(xml, 'utf8'));
  });
}

async function same(xml: string): Promise<unknown> {
  const ours = decodeMethodResponse(xml);
  assert.deepStrictEqual(ours, await reference(xml));
  return ours;
}

const tenKilobytes = Array.from({ length: 200 }, (_, n) => `line ${n}: "quoted" 'single' <tag> & ampersand — ünïcödé 漢字 🚀\n`).join('').slice(0, 10_240);

test('bare strings with the five escapes decode as the xmlrpc package decodes them', async () => {
  const v = await same(xapiSuccess(`a<b>c&d"e'f`));
  assert.deepStrictEqual(v, { Status: 'Success', Value: `a<b>c&d"e'f` });
});

test('numeric character references, decimal and hex, become the characters', async () => {
  const xml = '<?xml version="1.0"?><methodResponse><params><param><value>line&#10;two &#x1F680; &#233;</value></param></params></methodResponse>';
  assert.equal(await same(xml), 'line\ntwo 🚀 é');
});

test('nested structs and arrays of a get_all_records answer come out identical', async () => {
  const records = {
    'OpaqueRef:1': {
      uuid: '0b1c2d3e-0000-4000-8000-000000000001', name_label: 'vm "one"', VBDs: ['OpaqueRef:a', 'OpaqueRef:b'],
      other_config: { 'folder': '/x', nested: { deeper: ['1', { k: 'v' }] } }, memory_static_max: '4294967296',
      is_a_template: false, VCPUs_max: '2',
    },
    'OpaqueRef:2': { uuid: '', name_label: '', VBDs: [], other_config: {}, memory_static_max: '0', is_a_template: true },
  };
  const v = await same(xapiSuccess(records));
  assert.deepStrictEqual(v, { Status: 'Success', Value: records });
});

test('empty values in all their spellings decode to "" , [] and {}', async () => {
  const xml =
    '<methodResponse><params><param><value><array><data>' +
    '<value/><value></value><value><string/></value><value><string></string></value>' +
    '<value><array><data/></array></value><value><struct></struct></value><value><struct/></value>' +
    '</data></array></value></param></params></methodResponse>';
  assert.deepStrictEqual(await same(xml), ['', '', '', '', [], {}, {}]);
});

test('dates in XAPI compact form decode to the same instant', async () => {
  const xml = xapiSuccess({ last_updated: new Date('2020-04-07T08:28:32Z'), zero: new Date(0) });
  const v = (await same(xml)) as { Value: { last_updated: Date; zero: Date } };
  assert.equal(v.Value.last_updated.toISOString(), '2020-04-07T08:28:32.000Z');
  assert.equal(v.Value.zero.getTime(), 0);
  assert.equal(parseXapiDate('2020-04-07T08:28:32Z').toISOString(), '2020-04-07T08:28:32.000Z');
  assert.equal(parseXapiDate('20200407T08:28:32').toISOString(), '2020-04-07T08:28:32.000Z', 'no zone reads as UTC');
});

test('int64 values stay decimal strings, also beyond 2^53, and typed ints become numbers', async () => {
  const xml =
    '<methodResponse><params><param><value><struct>' +
    '<member><name>size</name><value>18446744073709551615</value></member>' +
    '<member><name>i4</name><value><i4>-42</i4></value></member>' +
    '<member><name>int</name><value><int>7</int></value></member>' +
    '<member><name>i8</name><value><i8>9007199254740993</i8></value></member>' +
    '<member><name>d</name><value><double>0.1</double></value></member>' +
    '<member><name>b</name><value><boolean>1</boolean></value></member>' +
    '<member><name>nil</name><value><nil/></value></member>' +
    '</struct></value></param></params></methodResponse>';
  assert.deepStrictEqual(await same(xml), { size: '18446744073709551615', i4: -42, int: 7, i8: '9007199254740993', d: 0.1, b: true, nil: null });
});

test('unicode text and member names survive', async () => {
  await same(xapiSuccess({ 'naïve 名前': 'Ωmega ☃ 🚀 — ﬁ', 'emoji🚀': ['ü', 'ß'] }));
});

test('a 10 kB name_label with newlines, quotes and markup decodes exactly', async () => {
  const v = (await same(xapiSuccess({ name_label: tenKilobytes }))) as { Value: { name_label: string } };
  assert.equal(v.Value.name_label, tenKilobytes);
});

test('pretty-printed XML (whitespace between tags) decodes as the xmlrpc package does', async () => {
  const xml = serializeMethodResponse({ Status: 'Success', Value: { a: ['x', 1, true], b: { c: 'd' } } }).replace(/></g, '>\n  <');
  await same(xml);
});

test('random values: both decoders agree on 300 generated documents', async () => {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const alphabet = ['a', 'Z', ' ', '\n', '\t', '<', '>', '&', '"', "'", 'é', '漢', '🚀', ';', '#', 'amp', '&#'];
  const str = () => Array.from({ length: Math.floor(rnd() * 12) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
  const value = (depth: number): unknown => {
    const r = rnd();
    if (depth > 3 || r < 0.45) return str();
    if (r < 0.55) return rnd() < 0.5;
    if (r < 0.62) return Math.floor(rnd() * 2 ** 31) - 2 ** 30;
    if (r < 0.66) return new Date(Math.floor(rnd() * 2e12 / 1000) * 1000);
    if (r < 0.83) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, () => [str() || 'k', value(depth + 1)]));
  };
  for (let n = 0; n < 300; n++) await same(xapiSuccess(value(0)));
});

test('a Failure answer decodes to XapiError with code, params and method', async () => {
  await assert.rejects(decodeXmlRpcAnswer(Buffer.from(xapiFailure('HOST_IS_SLAVE', '127.0.0.5')), 'session.login_with_password', 'http://x/'), (err: unknown) => {
    assert.ok(err instanceof XapiError);
    assert.equal(err.code, 'HOST_IS_SLAVE');
    assert.deepStrictEqual(err.params, ['127.0.0.5']);
    assert.equal(err.method, 'session.login_with_password');
    return true;
  });
});

test('a fault answer raises XmlRpcFault', () => {
  const xml = serializeMethodResponse({}).replace('<params><param><value><struct/></value></param></params>',
    '<fault><value><struct><member><name>faultCode</name><value><int>4</int></value></member><member><name>faultString</name><value><string>Too many</string></value></member></struct></value></fault>');
  assert.throws(() => decodeMethodResponse(xml), (e: unknown) => e instanceof XmlRpcFault && e.faultString === 'Too many');
});

test('CDATA is handed to the xmlrpc package, and the answer still decodes', async () => {
  const xml = '<methodResponse><params><param><value><struct><member><name>Status</name><value>Success</value></member><member><name>Value</name><value><string><![CDATA[a<b&c]]></string></value></member></struct></value></param></params></methodResponse>';
  assert.throws(() => decodeMethodResponse(xml), XmlUnsupportedError);
  assert.equal(await decodeXmlRpcAnswer(Buffer.from(xml), 'm', 'http://x/'), 'a<b&c');
});

test('malformed XML is refused with a clear error, never a crash', async () => {
  const bad = [
    '<methodResponse><params><param><value>unterminated',
    '<methodResponse><params><param><value><struct><member><name>a</name></member></struct></value></param></params></methodResponse>',
    '<html><body>Hello</body></html>',
    '',
    '<methodResponse><params><param><value>a &bogus; b</value></param></params></methodResponse>',
    '<methodResponse><params><param><value><boolean>yes</boolean></value></param></params></methodResponse>',
    '<methodResponse><params><param><value>x</value></param></params></methodResponse>trailing',
  ];
  for (const xml of bad) {
    assert.throws(() => decodeMethodResponse(xml), XmlMalformedError, `should refuse ${JSON.stringify(xml)}`);
    await assert.rejects(decodeXmlRpcAnswer(Buffer.from(xml), 'VM.get_all_records', 'http://127.0.0.1:9/'), (err: unknown) => {
      assert.ok(err instanceof TransportError, `${xml}: ${String(err)}`);
      assert.equal(err.kind, 'not-xapi');
      assert.match(err.message, /did not answer like XAPI/);
      return true;
    });
  }
});

test('decodeEntities refuses a bare ampersand and unknown entities', () => {
  assert.equal(decodeEntities('&lt;&gt;&amp;&quot;&apos;'), `<>&"'`);
  assert.throws(() => decodeEntities('a & b'), XmlMalformedError);
  assert.throws(() => decodeEntities('&nbsp;'), XmlMalformedError);
});

test('&#0; and references to any character XML 1.0 forbids are refused, as is a raw NUL; a raw ESC is read as xapi sent it', () => {
  const doc = (v: string) => `<?xml version="1.0"?><methodResponse><params><param><value>${v}</value></param></params></methodResponse>`;
  for (const v of ['a&#0;b', 'a&#x0;b', '&#27;[31m', '&#x1B;', '&#xFFFE;', '&#xD800;', 'a\x00b']) {
    assert.throws(() => decodeMethodResponse(doc(v)), XmlMalformedError, JSON.stringify(v));
  }
  assert.throws(() => decodeMethodResponse(`<methodResponse><params><param><value><struct><member><name>x&#0;</name><value>1</value></member></struct></value></param></params></methodResponse>`), XmlMalformedError, 'in a member name too');
  assert.equal(decodeMethodResponse(doc('tab&#9;nl&#10;cr&#13;ok')), 'tab\tnl\ncr\rok', 'tab, newline and CR are characters');
  // xapi writes a name's control characters raw: the pool stays readable, the name is cleaned where it is shown.
  assert.equal(decodeMethodResponse(doc('esc\x1b[31m')), 'esc\x1b[31m');
});

test('a bare & in a member name is refused the same whether or not an earlier struct had that name', () => {
  const member = (name: string) => `<member><name>${name}</name><value>v</value></member>`;
  const struct = (name: string) => `<value><struct>${member(name)}</struct></value>`;
  const doc = (...values: string[]) => `<methodResponse><params><param><value><array><data>${values.join('')}</data></array></value></param></params></methodResponse>`;
  assert.throws(() => decodeMethodResponse(doc(struct('a&b'))), XmlMalformedError, 'alone');
  assert.throws(() => decodeMethodResponse(doc(struct('a&amp;b'), struct('a&b'))), XmlMalformedError, 'after a struct with the escaped name');
  assert.deepEqual(decodeMethodResponse(doc(struct('a&amp;b'), struct('a&amp;b'))), [{ 'a&b': 'v' }, { 'a&b': 'v' }]);
});

test('parameters with markup, several "]]>", CR and unicode reach the server unchanged', async () => {
  const { serializeMethodCall } = await import('xmlrpc/lib/serializer');
  const { toXmlRpcParam } = await import('../../../src/xapi/xmlRpcTransport');
  const nasty = ['0 ]]> 1 <b> ]]> 2', 'x <b>&amp;</b> & ]]> y', 'cr\r\nlf', '"quotes" \'apos\'', 'ü 漢字 🚀', '', 'plain'];
  const xml = serializeMethodCall('VDI.set_name_label', [...nasty, { k: nasty[0] }, [nasty[1]]].map(toXmlRpcParam));
  const [method, params] = await new Promise<[string, unknown[]]>((resolve, reject) => {
    const stream = new PassThrough();
    (new Deserializer('utf8') as unknown as { deserializeMethodCall(s: PassThrough, cb: (e: Error | null, m: string, p: unknown[]) => void): void })
      .deserializeMethodCall(stream, (err, m, p) => (err ? reject(err) : resolve([m, p])));
    stream.end(Buffer.from(xml, 'utf8'));
  });
  assert.equal(method, 'VDI.set_name_label');
  assert.deepStrictEqual(params, [...nasty, { k: nasty[0] }, [nasty[1]]]);
});

test('xapi\'s compact dates read by their digits give the dates the ISO form gives', () => {
  for (const [compact, iso] of [
    ['19700101T00:00:00Z', '1970-01-01T00:00:00Z'],
    ['20200229T23:59:59Z', '2020-02-29T23:59:59Z'],
    ['20261202T13:04:37Z', '2026-12-02T13:04:37Z'],
    ['00500101T00:00:00Z', '0050-01-01T00:00:00Z'], // not 1950
    ['20200431T08:28:32Z', '2020-04-31T08:28:32Z'], // whatever the general path makes of it
  ]) assert.equal(parseXapiDate(compact).getTime(), parseXapiDate(iso).getTime(), compact);
  assert.throws(() => parseXapiDate('2020010xT00:00:00Z'), XmlMalformedError);
  assert.throws(() => parseXapiDate('20201301T00:00:00Z'), XmlMalformedError);
});

test('structs whose member names come back (maps alternating between key sets) decode each with its own names', () => {
  const map = (o: Record<string, string>) => `<value><struct>${Object.entries(o).map(([k, v]) => `<member><name>${k}</name><value>${v}</value></member>`).join('')}</struct></value>`;
  const rec = (a: Record<string, string>, b: Record<string, string>) => `<value><struct><member><name>sm_config</name>${map(a)}</member><member><name>other_config</name>${map(b)}</member></struct></value>`;
  const xml = `<?xml version="1.0"?><methodResponse><params><param><value><array><data>${[0, 1, 2, 3].map((k) => rec(k % 2 ? { x: `${k}` } : { y: `${k}`, z: 'z' }, { y: `${k}`, z: 'o' })).join('')}</data></array></value></param></params></methodResponse>`;
  assert.deepEqual(decodeMethodResponse(xml), [0, 1, 2, 3].map((k) => ({ sm_config: k % 2 ? { x: `${k}` } : { y: `${k}`, z: 'z' }, other_config: { y: `${k}`, z: 'o' } })));
});
