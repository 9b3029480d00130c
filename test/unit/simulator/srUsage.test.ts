// The simulated SRs report what a real pool could: used never more than the size, at the default
// scale and at the largest one the benchmarks use (Piet with 64 hosts, 20,000 VDIs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFleet } from '../../../simulator/fleet';

for (const scale of [undefined, { hosts: 64, vdis: 20_000, vms: 2_000 }]) {
  test(`every simulated SR has used ≤ size (${scale ? `${scale.hosts} hosts, ${scale.vdis} VDIs` : 'default scale'})`, () => {
    const fleet = buildFleet(scale ? { scale } : {});
    let srs = 0;
    for (const pool of fleet.pools) {
      for (const sr of pool.all('SR')) {
        srs++;
        const used = sr.record.physical_utilisation as number;
        const size = sr.record.physical_size as number;
        assert.ok(used <= size, `${pool.name} / ${sr.record.name_label as string} (${sr.record.shared ? 'shared' : 'local'}): ${used} bytes used of ${size}`);
      }
    }
    assert.ok(srs > 30);
    // Piet's local SRs keep the size of the hosts' own disks (552 GiB): they do not grow to fit.
    const piet = fleet.pools.find((p) => p.name === 'Piet')!;
    for (const sr of piet.all('SR')) if (!sr.record.shared) assert.equal(sr.record.physical_size, 552 * 1024 ** 3);
  });
}
