// The storage manager's naming rules (src/model/storageLayout.ts), which the tree shows and S2 / S3 write by.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lvDevicePath, volumeGroupOf } from '../../../src/model/storageLayout';

const sr = { uuid: '0d5c6a0e-5b4f-4c2e-9a51-2c8b1f3e4d5a', type: 'lvmohba' };
const vdi = { uuid: '6f1d2c3b-4a59-4876-8e1f-0a1b2c3d4e5f' };

test('device paths follow SM\'s LVM naming and refuse what is not a uuid', () => {
  assert.equal(lvDevicePath(sr, vdi, 'raw'), `/dev/VG_XenStorage-${sr.uuid}/LV-${vdi.uuid}`);
  assert.equal(lvDevicePath(sr, vdi, 'vhd'), `/dev/VG_XenStorage-${sr.uuid}/VHD-${vdi.uuid}`);
  assert.equal(lvDevicePath({ ...sr, type: 'nfs' }, vdi, 'vhd'), `/var/run/sr-mount/${sr.uuid}/${vdi.uuid}.vhd`);
  assert.equal(lvDevicePath(sr, { uuid: "x'; rm -rf / #" }, 'raw'), undefined);
});

test('a VDI whose format is unknown, or a raw one on a file SR, has no device path to show', () => {
  assert.equal(lvDevicePath(sr, vdi, 'unknown'), undefined);
  assert.equal(lvDevicePath({ ...sr, type: 'nfs' }, vdi, 'raw'), undefined);
  assert.equal(lvDevicePath({ ...sr, type: 'iso' }, vdi, 'vhd'), undefined);
});

test('the volume group is named after the SR, and a name that is not a uuid is refused', () => {
  assert.equal(volumeGroupOf(sr.uuid), `VG_XenStorage-${sr.uuid}`);
  assert.throws(() => volumeGroupOf('x; reboot'), /is not a uuid/);
});
