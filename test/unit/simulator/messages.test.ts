// The simulator's `message` class and faults as a client sees them over the wire: xapi's record fields
// and types, each release's priority scale and event behaviour (API 1.x event.from: additions only),
// and the multipath alert's body format.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RunningSimulator, startSimulator } from '../../../simulator/index';
import { control, jsonCall, post, xmlError, xmlValue } from './client';
import { encodeMethodCall } from '../../../simulator/xmlrpc-wire';

type Rec = Record<string, any>;

describe('simulator: messages and faults', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator({ net: 81 });
  });
  after(() => sim.stop());

  async function xmlLogin(name: string): Promise<{ url: string; s: string }> {
    const pool = sim.fleet.pools.find((p) => p.name === name)!;
    return { url: pool.url, s: (await xmlValue(pool.url, 'session.login_with_password', ['root', pool.password])) as string };
  }

  test('XCP 1.5: message.create/get_record/get_all_records with xapi\'s fields; priority an int (a string on the wire); errors', async () => {
    const { url, s } = await xmlLogin('Security');
    const hosts = (await xmlValue(url, 'host.get_all_records', [s])) as Rec;
    const host = Object.values(hosts)[0] as Rec;
    const ref = (await xmlValue(url, 'message.create', [s, 'MY_ALERT', '7', 'host', host.uuid, 'body <b>&</b>'])) as string;
    assert.match(ref, /^OpaqueRef:/);
    const rec = (await xmlValue(url, 'message.get_record', [s, ref])) as Rec;
    assert.deepEqual(Object.keys(rec), ['uuid', 'name', 'priority', 'cls', 'obj_uuid', 'timestamp', 'body']);
    assert.equal(rec.name, 'MY_ALERT');
    assert.equal(rec.cls, 'Host', 'the enum comes back in its canonical case');
    assert.equal(rec.obj_uuid, host.uuid);
    assert.equal(rec.body, 'body <b>&</b>');
    assert.ok(rec.timestamp instanceof Date);
    const raw = await post(url, encodeMethodCall('message.get_record', [s, ref]));
    assert.match(raw.body, /<name>priority<\/name><value>7<\/value>/, 'int64 as an XML-RPC string');
    const all = (await xmlValue(url, 'message.get_all_records', [s])) as Rec;
    assert.ok(all[ref]);

    assert.deepEqual(await xmlError(url, 'message.create', [s, 'X', '1', 'VM', host.uuid, '']), ['UUID_INVALID', 'VM', host.uuid]);
    assert.deepEqual(await xmlError(url, 'message.destroy', [s, 'OpaqueRef:nope']), ['HANDLE_INVALID', 'message', 'OpaqueRef:nope']);
    assert.deepEqual(await xmlError(url, 'message.get_name', [s, ref]), ['MESSAGE_METHOD_UNKNOWN', 'message.get_name'], 'no field getters');
    assert.deepEqual(await xmlError(url, 'Async.message.create', [s, 'X', '1', 'Host', host.uuid, '']), ['MESSAGE_METHOD_UNKNOWN', 'Async.message.create']);

    // get_since: strictly newer (the wire's datetime has whole seconds; the store keeps more).
    const since = new Date(rec.timestamp.getTime() + 1000);
    const newer = (await xmlValue(url, 'message.get_since', [s, since])) as Rec;
    assert.equal(newer[ref], undefined);
    const older = (await xmlValue(url, 'message.get_since', [s, new Date(since.getTime() - 2000)])) as Rec;
    assert.ok(older[ref]);
    await xmlValue(url, 'message.destroy', [s, ref]);
  });

  test('XCP 1.5 event.from: a new message comes as add (id "0"), a destroyed one is not reported', async () => {
    const { url, s } = await xmlLogin('BL0');
    const first = (await xmlValue(url, 'event.from', [s, ['message'], '', 0.0])) as Rec;
    const poolRec = Object.values((await xmlValue(url, 'pool.get_all_records', [s])) as Rec)[0] as Rec;
    const ref = (await xmlValue(url, 'message.create', [s, 'SOMETHING', '3', 'Pool', poolRec.uuid, 'x'])) as string;
    const added = (await xmlValue(url, 'event.from', [s, ['message'], first.token, 5.0])) as Rec;
    assert.equal(added.events.length, 1);
    assert.deepEqual([added.events[0].class, added.events[0].operation, added.events[0].ref, added.events[0].id, added.events[0].snapshot.name], ['message', 'add', ref, '0', 'SOMETHING']);
    await xmlValue(url, 'message.destroy', [s, ref]);
    const after = (await xmlValue(url, 'event.from', [s, ['message'], added.token, 0.5])) as Rec;
    assert.deepEqual(after.events, [], 'API 1.x event.from delivers no message deletions');
    assert.equal(((await xmlValue(url, 'message.get_all_records', [s])) as Rec)[ref], undefined);
  });

  test('XCP-ng 8 event.from (JSON-RPC): additions and deletions; priority a JSON number', async () => {
    const lab = sim.fleet.pools.find((p) => p.name === 'Lab')!;
    const s = (await jsonCall(lab.url, 'session.login_with_password', ['root', lab.password])).result as string;
    const first = (await jsonCall(lab.url, 'event.from', [s, ['message'], '', 0])).result as Rec;
    const poolRec = Object.values((await jsonCall(lab.url, 'pool.get_all_records', [s])).result as Rec)[0] as Rec;
    const ref = (await jsonCall(lab.url, 'message.create', [s, 'SOMETHING', 2, 'Pool', poolRec.uuid, 'x'])).result as string;
    const rec = (await jsonCall(lab.url, 'message.get_record', [s, ref])).result as Rec;
    assert.equal(rec.priority, 2);
    const added = (await jsonCall(lab.url, 'event.from', [s, ['message'], first.token, 5])).result as Rec;
    assert.deepEqual(added.events.map((e: Rec) => e.operation), ['add']);
    await jsonCall(lab.url, 'message.destroy', [s, ref]);
    const gone = (await jsonCall(lab.url, 'event.from', [s, ['message'], added.token, 5])).result as Rec;
    assert.deepEqual(gone.events.map((e: Rec) => [e.operation, e.ref]), [['del', ref]]);
  });

  test('faults: HA_HOST_FAILED is 10 on XCP 1.5 and 3 on XCP-ng 8; multipath counts and the alert body; PBD failed to plug', async () => {
    const gen = sim.fleet.pools.find((p) => p.name === 'Generic')!;
    const { url, s } = await xmlLogin('Generic');
    const victim = gen.hosts.find((h) => h.name !== gen.master)!;
    assert.equal((await control(sim.fleet.control, 'fault/ha-host-failed', { host: victim.uuid })).status, 200);
    const msgs = Object.values((await xmlValue(url, 'message.get_all_records', [s])) as Rec) as Rec[];
    const ha = msgs.find((m) => m.name === 'HA_HOST_FAILED')!;
    assert.deepEqual([ha.priority, ha.cls, ha.obj_uuid, ha.body], ['10', 'Host', victim.uuid, `Server '${victim.name}' has failed`]);
    await control(sim.fleet.control, 'host/up', { host: victim.uuid });

    const lab = sim.fleet.pools.find((p) => p.name === 'Lab')!;
    await control(sim.fleet.control, 'fault/ha-host-failed', { host: lab.hosts[2].uuid });
    const ls = (await jsonCall(lab.url, 'session.login_with_password', ['root', lab.password])).result as string;
    const labMsgs = Object.values((await jsonCall(lab.url, 'message.get_all_records', [ls])).result as Rec) as Rec[];
    assert.equal(labMsgs.find((m) => m.name === 'HA_HOST_FAILED')!.priority, 3);
    await control(sim.fleet.control, 'host/up', { host: lab.hosts[2].uuid });

    const srs = Object.values((await xmlValue(url, 'SR.get_all_records', [s])) as Rec) as Rec[];
    const fc = srs.find((r) => r.type === 'lvmoiscsi' && r.shared)!;
    const host = gen.hosts[0];
    const r = await control(sim.fleet.control, 'fault/multipath', { sr: fc.uuid, host: host.uuid, current: 1, max: 2 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const pbds = Object.values((await xmlValue(url, 'PBD.get_all_records', [s])) as Rec) as Rec[];
    const mine = pbds.find((p) => p.uuid === r.body.pbd)!;
    const key = Object.keys(mine.other_config).find((k) => k.startsWith('mpath-'))!;
    assert.equal(mine.other_config[key], '[1, 2]');
    assert.equal(mine.other_config.multipathed, 'true');
    const others = pbds.filter((p) => p.SR === mine.SR && p.uuid !== mine.uuid);
    assert.ok(others.every((p) => p.other_config[key] === '[2, 2]'));
    const alert = (Object.values((await xmlValue(url, 'message.get_all_records', [s])) as Rec) as Rec[]).find((m) => m.name === 'MULTIPATH_PERIODIC_ALERT')!;
    assert.equal(alert.priority, '5');
    assert.equal(alert.cls, 'Pool');
    const scsi = key.slice('mpath-'.length);
    assert.match(
      alert.body,
      new RegExp(`^Unhealthy paths:\\n\\[\\d{8}T\\d\\d:\\d\\d:\\d\\dZ\\] host=${host.uuid}; host-name="${host.name}"; pbd=${mine.uuid}; scsi_id=${scsi}; current=1; max=2\\nEvents received during the last 120 seconds:\\n\\[\\d{8}T\\d\\d:\\d\\d:\\d\\dZ\\] host=${host.uuid}; host-name="${host.name}"; pbd=${mine.uuid}; scsi_id=${scsi}; current=1; max=2\\n$`),
    );

    const plug = await control(sim.fleet.control, 'fault/pbd-plug-failed', { sr: fc.uuid, host: gen.hosts[1].uuid });
    const pbd = (Object.values((await xmlValue(url, 'PBD.get_all_records', [s])) as Rec) as Rec[]).find((p) => p.uuid === plug.body.pbd)!;
    assert.equal(pbd.currently_attached, false);
    const pm = (Object.values((await xmlValue(url, 'message.get_all_records', [s])) as Rec) as Rec[]).find((m) => m.name === 'PBD_PLUG_FAILED_ON_SERVER_START')!;
    assert.deepEqual([pm.priority, pm.cls, pm.obj_uuid, pm.body], ['1', 'Host', gen.hosts[1].uuid, '']);
  });
});
