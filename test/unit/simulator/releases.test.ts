// The release table stays true to the simulator: every method it names is one the simulator serves,
// and what each profile has follows the API version of the release a method came with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { methodNames } from '../../../simulator/api';
import { METHOD_RELEASES, XCP_1_5, XCP_NG_8, releaseOfMethod } from '../../../simulator/releases';

test('every method of the release table is one the simulator implements', () => {
  const served = new Set(methodNames());
  for (const [release, methods] of Object.entries(METHOD_RELEASES)) {
    for (const m of methods) assert.ok(served.has(m), `${m} (${release}) is not implemented: the table is out of date`);
  }
});

test('XCP 1.5 (API 1.9) has boston\'s calls and earlier, none of tampa\'s; XCP-ng 8 has them all', () => {
  for (const m of methodNames()) {
    assert.equal(XCP_NG_8.has(m), true, m);
    assert.equal(XCP_1_5.has(m), releaseOfMethod(m) !== 'tampa', `${m} (${releaseOfMethod(m)})`);
  }
  assert.equal(releaseOfMethod('event.from'), 'boston');
  assert.equal(releaseOfMethod('event.inject'), 'tampa');
  assert.deepEqual(XCP_1_5.missingFields.get('PIF'), ['IPv6', 'ipv6_configuration_mode', 'ipv6_gateway', 'primary_address_type']);
  assert.equal(XCP_NG_8.missingFields.size, 0);
});
