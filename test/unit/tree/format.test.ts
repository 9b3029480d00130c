import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes } from '../../../src/tree/format';
import { esc } from '../../../src/tree/nodes';
import { lvDevicePath } from '../../../src/tree/storagePaths';
import { validateEntries } from '../../../src/model/poolRegistry';

test('sizes read in binary units with sensible precision', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(8 * 1024 ** 3), '8 GiB');
  assert.equal(formatBytes(1.5 * 1024 ** 4), '1.5 TiB');
  assert.equal(formatBytes(200 * 1024 ** 3), '200 GiB');
  assert.equal(formatBytes(-1), '?');
});

test('XAPI text is escaped before it reaches a markdown tooltip: no markup, no bare URL, no second line', () => {
  assert.equal(esc('**bold** [link](http://x) <b>'), '\\*\\*bold\\*\\* \\[link\\]\\(http\\://x\\) \\<b\\>');
  assert.equal(esc('a\n\n# heading'), 'a\\\\n\\\\n\\# heading');
});

test('device paths follow SM\'s LVM naming and refuse what is not a uuid', () => {
  const sr = { uuid: '0d5c6a0e-5b4f-4c2e-9a51-2c8b1f3e4d5a', type: 'lvmohba' };
  const vdi = { uuid: '6f1d2c3b-4a59-4876-8e1f-0a1b2c3d4e5f' };
  assert.equal(lvDevicePath(sr, vdi, 'raw'), `/dev/VG_XenStorage-${sr.uuid}/LV-${vdi.uuid}`);
  assert.equal(lvDevicePath(sr, vdi, 'vhd'), `/dev/VG_XenStorage-${sr.uuid}/VHD-${vdi.uuid}`);
  assert.equal(lvDevicePath({ ...sr, type: 'nfs' }, vdi, 'vhd'), `/var/run/sr-mount/${sr.uuid}/${vdi.uuid}.vhd`);
  assert.equal(lvDevicePath(sr, { uuid: "x'; rm -rf / #" }, 'raw'), undefined);
});

test('a pool list from settings is checked entry by entry', () => {
  const { entries, problems } = validateEntries([
    { name: 'Piet', url: 'vms-piet-01.example' },
    { name: 'Piet', url: 'other' },
    { name: 'Bad', url: 'ftp://x' },
    { url: 'nameless' },
    { name: 'T', url: 'h', transport: 'soap' },
    'junk',
  ]);
  assert.deepEqual(entries, [{ name: 'Piet', url: 'vms-piet-01.example', username: 'root', transport: undefined, jumpHost: undefined }]);
  assert.equal(problems.length, 5);
  assert.match(problems.join('\n'), /used twice/);
  assert.match(problems.join('\n'), /ftp:/);
  assert.match(problems.join('\n'), /transport must be/);
});
