import { test } from 'node:test';
import assert from 'node:assert/strict';
import { devicePathArg, quote, raw, sh, uuidArg } from '../../../src/shell/quote';

test('quote makes one single-quoted word of anything', () => {
  assert.equal(quote(''), "''");
  assert.equal(quote("it's"), "'it'\\''s'");
  assert.equal(quote('$(reboot)'), "'$(reboot)'");
  assert.throws(() => quote('a\0b'), /NUL/);
});

test('sh quotes values, keeps raw fragments, validates uuids and device paths', () => {
  const u = '0D5C6A0E-5B4F-4C2E-9A51-2C8B1F3E4D5A';
  assert.equal(sh`xe vdi-list uuid=${uuidArg(u)} name-label=${'a b'} ${raw('--minimal')}`, `xe vdi-list uuid=${u.toLowerCase()} name-label='a b' --minimal`);
  assert.equal(sh`dd bs=${4194304} of=${devicePathArg('/dev/VG_XenStorage-x/LV-y')}`, 'dd bs=4194304 of=/dev/VG_XenStorage-x/LV-y');
  assert.equal(sh`rm ${['a', "b'c"]}`, "rm 'a' 'b'\\''c'");
  assert.throws(() => uuidArg("x'; reboot"), /not a uuid/);
  assert.throws(() => devicePathArg('/dev/sda; reboot'), /not a device path/);
  assert.throws(() => devicePathArg('/dev/../etc/passwd'), /not a device path/);
  assert.throws(() => sh`sleep ${1.5}`, /not an integer/);
  assert.throws(() => sh`x ${{}}`, /cannot put/);
});
