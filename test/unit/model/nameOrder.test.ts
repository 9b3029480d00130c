import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NameOrder, byName } from '../../../src/model/nameOrder';
import type { Entry } from '../../../src/model/poolModel';
import { makeRng } from '../../../simulator/fleet';

type Vdi = Entry<'VDI'>;
const vdi = (ref: string, name: string): Vdi => ({ ref, record: { name_label: name } } as unknown as Vdi);

test('a list kept between calls is always in the order a full sort gives, through renames, arrivals and departures', () => {
  const rng = makeRng(7);
  const names = ['vm-2', 'vm-10', 'VM-3', 'Vm-3', 'éclair', 'eclair', 'data 1', 'data 01', '', 'Ω', 'zeta', 'alpha'];
  const pick = () => `${names[Math.floor(rng() * names.length)]}${rng() < 0.5 ? '' : ` ${Math.floor(rng() * 300)}`}`;
  let live = new Map<string, Vdi>();
  for (let k = 0; k < 500; k++) live.set(`OpaqueRef:${k}`, vdi(`OpaqueRef:${k}`, pick()));
  const order = new NameOrder();
  let next = 500;
  for (let round = 0; round < 200; round++) {
    // What one event.from answer brings: a few renamed (a new record object), added or gone; now and then many.
    const changes = rng() < 0.05 ? 200 : 1 + Math.floor(rng() * 4);
    const refs = [...live.keys()];
    for (let c = 0; c < changes; c++) {
      const r = rng();
      const ref = refs[Math.floor(rng() * refs.length)];
      if (r < 0.5) live.set(ref, vdi(ref, pick()));
      else if (r < 0.75) live.delete(ref);
      else {
        const fresh = `OpaqueRef:${next++}`;
        live.set(fresh, vdi(fresh, pick()));
      }
    }
    if (rng() < 0.1) live = new Map([...live].reverse()); // the model may hand the members over in any order
    const got = order.sorted('VDIs of the SR', [...live.values()]);
    const want = [...live.values()].sort(byName);
    assert.deepEqual(got.map((e) => e.ref), want.map((e) => e.ref), `round ${round}`);
    assert.ok(got.every((e) => live.get(e.ref) === e), 'each entry is the current one, not a remembered copy');
  }
});

test('two lists under different keys do not disturb each other', () => {
  const order = new NameOrder();
  const a = Array.from({ length: 100 }, (_, k) => vdi(`a${k}`, `disk ${k}`));
  const b = Array.from({ length: 100 }, (_, k) => vdi(`b${k}`, `image ${99 - k}`));
  order.sorted('SR a', [...a]);
  order.sorted('SR b', [...b]);
  assert.deepEqual(order.sorted('SR a', [...a].reverse()).map((e) => e.ref), [...a].sort(byName).map((e) => e.ref));
  assert.deepEqual(order.sorted('SR b', [...b]).map((e) => e.record.name_label), [...b].sort(byName).map((e) => e.record.name_label));
});
