import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Cached, XDouble, XI4, XValue, decodeMethodCall, decodeMethodResponse, encodeFailure, encodeMethodCall, encodeSuccess,
  encodeXmlValue, formatXapiDate, parseXapiDate,
} from '../../../simulator/xmlrpc-wire';
import { decodeJsonRequest, encodeJsonFailure, encodeJsonSuccess } from '../../../simulator/jsonrpc';

function xml(v: XValue): string {
  const out: string[] = [];
  encodeXmlValue(v, out);
  return out.join('');
}
const awkward = 'quote " apostrophe \' <tag> & amp; &amp; newline\nsecond line\ttab ünïcödé 漢字 🚀';
const tenKilobytes = Array.from({ length: 300 }, (_, n) => `${n}: ${awkward}\n`).join('').slice(0, 10_240);

test('values are written as xapi writes them', () => {
  assert.equal(xml('abc'), '<value>abc</value>');
  assert.equal(xml(''), '<value/>');
  assert.equal(xml('a<b>&c'), '<value>a&lt;b&gt;&amp;c</value>');
  assert.equal(xml(`"it's"`), `<value>"it's"</value>`);
  assert.equal(xml(42), '<value>42</value>', 'int64 is a bare decimal string');
  assert.equal(xml(-1), '<value>-1</value>');
  assert.equal(xml(2n ** 63n - 1n), '<value>9223372036854775807</value>');
  assert.equal(xml(true), '<value><boolean>1</boolean></value>');
  assert.equal(xml(false), '<value><boolean>0</boolean></value>');
  assert.equal(xml(1.5), '<value><double>1.5</double></value>');
  assert.equal(xml(new XDouble(30)), '<value><double>30</double></value>');
  assert.equal(xml(new XI4(7)), '<value><i4>7</i4></value>');
  assert.equal(xml(new Date(Date.UTC(2020, 3, 7, 8, 28, 32))), '<value><dateTime.iso8601>20200407T08:28:32Z</dateTime.iso8601></value>');
  assert.equal(xml(new Date(0)), '<value><dateTime.iso8601>19700101T00:00:00Z</dateTime.iso8601></value>');
  assert.equal(xml([]), '<value><array><data/></array></value>');
  assert.equal(xml({}), '<value><struct/></value>');
  assert.equal(xml(['a', 1]), '<value><array><data><value>a</value><value>1</value></data></array></value>');
  assert.equal(xml({ k: 'v' }), '<value><struct><member><name>k</name><value>v</value></member></struct></value>');
});

test('responses are one line: Status/Value or Status/ErrorDescription', () => {
  const ok = encodeSuccess('OpaqueRef:1');
  assert.ok(!ok.includes('\n'));
  assert.deepEqual(decodeMethodResponse(ok), { Status: 'Success', Value: 'OpaqueRef:1' });
  assert.deepEqual(decodeMethodResponse(encodeSuccess('')), { Status: 'Success', Value: '' });
  assert.deepEqual(decodeMethodResponse(encodeFailure(['HOST_IS_SLAVE', '127.77.1.1'])), {
    Status: 'Failure', ErrorDescription: ['HOST_IS_SLAVE', '127.77.1.1'],
  });
});

test('a record round-trips (int64 comes back as the string it was sent as)', () => {
  const record: XValue = {
    uuid: 'b0c1', name_label: tenKilobytes, virtual_size: 10737418240, sharable: false, empty: '',
    sm_config: { type: 'raw', vdi_type: 'aio' }, VBDs: [], snapshot_time: new Date(Date.UTC(2012, 3, 2, 9, 0, 0)), ratio: 0.25,
  };
  const back = decodeMethodResponse(encodeSuccess(new Cached(record))) as { Value: Record<string, unknown> };
  assert.deepEqual(back.Value, { ...record, virtual_size: '10737418240' });
});

test('calls round-trip, and typed, untyped, spaced and nil values are all read', () => {
  const call = encodeMethodCall('event.from', ['OpaqueRef:s', ['vdi', 'sr'], '', new XDouble(30.5)]);
  assert.deepEqual(decodeMethodCall(call), { method: 'event.from', params: ['OpaqueRef:s', ['vdi', 'sr'], '', 30.5] });

  const typed = `<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment -->
<methodCall>
  <methodName> VDI.set_name_label </methodName>
  <params>
    <param><value><string>OpaqueRef:s</string></value></param>
    <param>
      <value>
        <struct>
          <member><name>i4</name><value><i4> 7 </i4></value></member>
          <member><name>int</name><value><int>-3</int></value></member>
          <member><name>i8</name><value><i8>9007199254740993</i8></value></member>
          <member><name>double</name><value><double>2.5</double></value></member>
          <member><name>bool</name><value><boolean>true</boolean></value></member>
          <member><name>date</name><value><dateTime.iso8601>2020-04-07T08:28:32Z</dateTime.iso8601></value></member>
          <member><name>nil</name><value><nil/></value></member>
          <member><name>empty</name><value></value></member>
          <member><name>emptyString</name><value><string/></value></member>
          <member><name>spaces</name><value>  two  </value></member>
          <member><name>cdata</name><value><![CDATA[<raw & text>]]></value></member>
          <member><name>entities</name><value>&lt;&amp;&gt;&quot;&apos;&#65;&#x42;</value></member>
          <member><name>arr</name><value><array><data>
            <value>x</value>
            <value><array/></value>
          </data></array></value></member>
          <member><name>emptyArr</name><value><array><data></data></array></value></member>
          <member><name>emptyStruct</name><value><struct></struct></value></member>
        </struct>
      </value>
    </param>
  </params>
</methodCall>`;
  const decoded = decodeMethodCall(typed);
  assert.equal(decoded.method, 'VDI.set_name_label');
  assert.equal(decoded.params[0], 'OpaqueRef:s');
  assert.deepEqual(decoded.params[1], {
    i4: 7, int: -3, i8: 9007199254740993n, double: 2.5, bool: true, date: new Date(Date.UTC(2020, 3, 7, 8, 28, 32)), nil: null,
    empty: '', emptyString: '', spaces: '  two  ', cdata: '<raw & text>', entities: `<&>"'AB`,
    arr: ['x', []], emptyArr: [], emptyStruct: {},
  });
});

test('malformed XML is an error, not a crash', () => {
  for (const bad of ['', 'not xml', '<methodCall>', '<methodCall><methodName>x</methodName><params><param><value><i4>x</i4></value></param></params></methodCall>', '<a></b>']) {
    assert.throws(() => decodeMethodCall(bad), `${JSON.stringify(bad)} should not decode`);
  }
});

test('dates: compact and dashed forms both parse; formatting is compact', () => {
  const d = new Date(Date.UTC(2020, 3, 7, 8, 28, 32));
  assert.equal(parseXapiDate('20200407T08:28:32Z').getTime(), d.getTime());
  assert.equal(parseXapiDate('2020-04-07T08:28:32Z').getTime(), d.getTime());
  assert.equal(parseXapiDate('20200407T08:28:32').getTime(), d.getTime());
  assert.equal(formatXapiDate(d), '20200407T08:28:32Z');
});

test('JSON-RPC: int64 as numbers, dates compact, failures as code 1 with the XAPI code', () => {
  const ok = encodeJsonSuccess({ size: 10737418240, big: 2n ** 63n - 1n, d: new Date(0), counts: { vdi: new XI4(3) }, name: tenKilobytes }, 7, true);
  assert.ok(ok.includes('"big":9223372036854775807'));
  const parsed = JSON.parse(ok);
  assert.equal(parsed.jsonrpc, '2.0');
  assert.equal(parsed.id, 7);
  assert.equal(parsed.result.size, 10737418240);
  assert.equal(parsed.result.d, '19700101T00:00:00Z');
  assert.equal(parsed.result.counts.vdi, 3);
  assert.equal(parsed.result.name, tenKilobytes);
  assert.deepEqual(JSON.parse(encodeJsonFailure(['SESSION_INVALID', 'OpaqueRef:x'], 'a', true)), {
    jsonrpc: '2.0', error: { code: 1, message: 'SESSION_INVALID', data: ['OpaqueRef:x'] }, id: 'a',
  });
  assert.deepEqual(decodeJsonRequest('{"method":"pool.get_all","params":["s"],"id":3}'), { method: 'pool.get_all', params: ['s'], id: 3, v2: false });
  assert.throws(() => decodeJsonRequest('{'));
  assert.throws(() => decodeJsonRequest('[]'));
});
