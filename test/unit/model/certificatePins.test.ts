// Forget Pinned Certificates forgets the pins of the pool's own address and of each member on the port
// the pool is reached on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { poolCertificateHostPorts } from '../../../src/model/certificatePins';

test('a pool reached on port 8443 has its members\' pins on 8443, not 443', () => {
  assert.deepEqual(poolCertificateHostPorts('https://10.0.0.1:8443', ['10.0.0.1', '10.0.0.2', 'fe80::2']), ['10.0.0.1:8443', '10.0.0.2:8443', '[fe80::2]:8443']);
});

test('a pool on the default port: 443 for every member', () => {
  assert.deepEqual(poolCertificateHostPorts('xcp-master', ['10.0.0.2']), ['xcp-master:443', '10.0.0.2:443']);
});
