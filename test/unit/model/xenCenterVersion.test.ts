// What XenCenter sees of a host's and a guest's version (src/model/xenCenterVersion.ts) and which kind of
// guest a VM is (src/model/guestOs.ts): the facts the tree flags and H2 / H3 act on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { guestKind } from '../../../src/model/guestOs';
import { guestToolsVersion, hostReportsPresentedVersion, hostVersionLabel, PRESENTED_VERSION } from '../../../src/model/xenCenterVersion';

test('a host\'s version reads as brand and version, from the product fields or, lacking them, the platform or xapi ones', () => {
  assert.equal(hostVersionLabel({ product_brand: 'XCP', product_version: '1.4.90', platform_name: 'XCP', platform_version: '1.4.90' }), 'XCP 1.4.90');
  assert.equal(hostVersionLabel({ platform_name: 'XCP-ng', platform_version: '3.4.0' }), 'XCP-ng 3.4.0');
  assert.equal(hostVersionLabel({ xapi: '1.3' }), '1.3');
  assert.equal(hostVersionLabel({}), '');
});

test('only a host whose product_version is 6.0.99 counts as presented to XenCenter', () => {
  assert.equal(PRESENTED_VERSION, '6.0.99');
  assert.equal(hostReportsPresentedVersion({ product_brand: 'XCP', product_version: '6.0.99' }), true);
  assert.equal(hostReportsPresentedVersion({ product_brand: 'XCP', product_version: '1.4.90', xapi: '6.0.99' }), false);
  assert.equal(hostReportsPresentedVersion({}), false);
});

test('guest tools report major.minor.micro from PV_drivers_version, or no version at all', () => {
  assert.equal(guestToolsVersion({ major: '6', minor: '0', micro: '99', build: '1234' }), '6.0.99');
  assert.equal(guestToolsVersion({ major: '1', minor: '4', micro: '90' }), '1.4.90');
  assert.equal(guestToolsVersion({}), undefined);
  assert.equal(guestToolsVersion(undefined), undefined);
});

test('a guest is Windows when its agent says so in distro or name, Linux otherwise, unknown without a report', () => {
  assert.equal(guestKind({ distro: 'windows', name: 'Microsoft Windows Server 2008 R2' }), 'windows');
  assert.equal(guestKind({ name: 'Microsoft Windows 7|C:\\Windows|\\Device\\Harddisk0\\Partition2' }), 'windows');
  assert.equal(guestKind({ distro: 'centos', name: 'CentOS release 5.7 (Final)' }), 'linux');
  assert.equal(guestKind({}), 'unknown');
  assert.equal(guestKind(undefined), 'unknown');
});
