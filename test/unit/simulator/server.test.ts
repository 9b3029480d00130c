import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import * as tls from 'node:tls';
import { RunningSimulator, startSimulator } from '../../../simulator/index';
import { buildFleet } from '../../../simulator/fleet';
import { XDouble } from '../../../simulator/xmlrpc-wire';
import { control, jsonCall, post, xmlCall, xmlError, xmlValue } from './client';

const awkward = 'quote " apostrophe \' <tag> & amp; &amp; newline\nsecond line\ttab ünïcödé 漢字 🚀';
const tenKilobytes = Array.from({ length: 300 }, (_, n) => `${n}: ${awkward}\n`).join('').slice(0, 10_240);

type Rec = Record<string, any>;

async function login(sim: RunningSimulator, poolName: string): Promise<{ url: string; session: string }> {
  const pool = sim.fleet.pools.find((p) => p.name === poolName)!;
  const session = (await xmlValue(pool.url, 'session.login_with_password', [pool.username, pool.password, '1.9', 'test'])) as string;
  return { url: pool.url, session };
}

describe('simulator over HTTP', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator({});
  });
  after(() => sim.stop());

  test('the fleet: the seed\'s four XCP 1.5 pools and an XCP-ng 8 one on one port, masters as the seed says, no seed addresses', () => {
    const f = sim.fleet;
    assert.deepEqual(f.pools.map((p) => [p.name, p.hosts.length, p.master, p.release.name, p.release.api, p.release.jsonRpc]), [
      ['Piet', 16, 'vms-piet-01', 'xcp-1.5', '1.9', false], ['Generic', 8, 'vms-gen-05', 'xcp-1.5', '1.9', false],
      ['BL0', 5, 'vms-bl0-01', 'xcp-1.5', '1.9', false], ['Security', 2, 'vms-sec-01', 'xcp-1.5', '1.9', false],
      ['Lab', 3, 'xcpng-lab-01', 'xcp-ng-8', '2.21', true],
    ]);
    assert.equal(f.pools[4].url, `http://127.77.5.1:${sim.port}/`);
    assert.equal(f.pools[1].url, `http://127.77.2.5:${sim.port}/`);
    assert.equal(f.control, `http://127.77.1.1:${sim.port}/control/`);
    assert.ok(!JSON.stringify(f).includes('172.2'));
    for (const p of f.pools) for (const h of p.hosts) assert.match(h.address, /^127\.77\.\d\.\d+$/);
  });

  test('login on both transports; wrong password; HOST_IS_SLAVE from a slave', async () => {
    const gen = sim.fleet.pools[1];
    const s = await xmlValue(gen.url, 'session.login_with_password', ['root', gen.password]);
    assert.match(String(s), /^OpaqueRef:[0-9a-f-]{36}$/);
    const lab = sim.fleet.pools[4];
    const j = await jsonCall(lab.url, 'session.login_with_password', ['root', lab.password, '2.0', 'test']);
    assert.equal(j.contentType, 'application/json');
    assert.match(String(j.result), /^OpaqueRef:/);
    const labSlave = `http://${lab.hosts[1].address}:${sim.port}/`;
    assert.deepEqual((await jsonCall(labSlave, 'session.login_with_password', ['root', lab.password])).error, { code: 1, message: 'HOST_IS_SLAVE', data: ['127.77.5.1'] });

    assert.deepEqual(await xmlError(gen.url, 'session.login_with_password', ['root', 'nope']), ['SESSION_AUTHENTICATION_FAILED', 'root', 'Authentication failure']);
    const slave = `http://${gen.hosts[0].address}:${sim.port}/`;
    assert.deepEqual(await xmlError(slave, 'session.login_with_password', ['root', gen.password]), ['HOST_IS_SLAVE', '127.77.2.5']);

    // Emergency mode: a slave-local session reads but does not write.
    const local = (await xmlValue(slave, 'session.slave_local_login_with_password', ['root', gen.password])) as string;
    const hosts = (await xmlValue(slave, 'host.get_all', [local])) as string[];
    assert.equal(hosts.length, 8);
    const vdi = ((await xmlValue(slave, 'VDI.get_all', [local])) as string[])[0];
    assert.equal((await xmlError(slave, 'VDI.set_name_label', [local, vdi, 'x']))[0], 'HOST_IS_SLAVE');
  });

  test('get_all_records: host count per pool on both transports; records as the client reads them', async () => {
    for (const [name, count, api, version] of [['Piet', 16, '1.9', '1.4.90'], ['Generic', 8, '1.9', '1.4.90'], ['BL0', 5, '1.9', '1.4.90'], ['Security', 2, '1.9', '1.4.90'], ['Lab', 3, '2.21', '8.3.0']] as const) {
      const { url, session } = await login(sim, name);
      const xmlHosts = (await xmlValue(url, 'host.get_all_records', [session])) as Rec;
      assert.equal(Object.keys(xmlHosts).length, count, name);
      const h = Object.values(xmlHosts)[0];
      assert.equal(`${h.API_version_major}.${h.API_version_minor}`, api); // int64: bare strings in XML-RPC
      assert.equal(h.software_version.product_version, version);
      assert.equal(h.hostname, h.name_label);
    }
    const lab = await login(sim, 'Lab');
    const jsonHosts = (await jsonCall(lab.url, 'host.get_all_records', [lab.session])).result as Rec;
    assert.equal(Object.keys(jsonHosts).length, 3);
    assert.equal(Object.values(jsonHosts)[0].API_version_major, 2); // a number in JSON
    const { url, session } = await login(sim, 'Piet');
    const srs = Object.values((await xmlValue(url, 'SR.get_all_records', [session])) as Rec);
    assert.equal(srs.filter((s) => s.type === 'lvmohba').length, 2);
    assert.equal(srs.filter((s) => s.type === 'nfs').length, 1);
    assert.equal(srs.filter((s) => s.type === 'lvm').length, 16);
    const vdis = Object.values((await xmlValue(url, 'VDI.get_all_records', [session])) as Rec);
    assert.ok(vdis.some((v) => v.sm_config.type === 'raw' && v.sm_config.vdi_type === 'aio'));
    assert.ok(vdis.some((v) => v.sm_config.vdi_type === 'vhd'));
    const vms = Object.values((await xmlValue(url, 'VM.get_all_records', [session])) as Rec);
    assert.equal(vms.filter((v) => v.is_control_domain).length, 16);
    for (const vm of vms) assert.equal(vm.power_state === 'Running', vm.resident_on !== 'OpaqueRef:NULL', vm.name_label);
    const pifs = Object.values((await xmlValue(url, 'PIF.get_all_records', [session])) as Rec).filter((p) => p.management);
    assert.equal(pifs.length, 16);
    assert.ok(pifs.every((p) => /^127\.77\.1\.\d+$/.test(p.IP)));
  });

  test('the xmlrpc package reads the responses too', async () => {
    const { url, session } = await login(sim, 'BL0');
    const res = await post(url, `<?xml version="1.0"?><methodCall><methodName>host.get_all_records</methodName><params><param><value><string>${session}</string></value></param></params></methodCall>`);
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const Deserializer = require('xmlrpc/lib/deserializer') as new (enc: string) => { deserializeMethodResponse(s: NodeJS.ReadableStream, cb: (e: unknown, v: any) => void): void };
    const value = await new Promise<any>((resolve, reject) => {
      const stream = new PassThrough();
      new Deserializer('utf8').deserializeMethodResponse(stream, (e, v) => (e ? reject(e) : resolve(v)));
      stream.end(Buffer.from(res.body, 'utf8'));
    });
    assert.equal(value.Status, 'Success');
    assert.equal(Object.keys(value.Value).length, 5);
  });

  test('errors: unknown method, parameter count, bad session, bad ref, bad uuid', async () => {
    const { url, session } = await login(sim, 'Security');
    assert.deepEqual(await xmlError(url, 'VDI.frobnicate', [session]), ['MESSAGE_METHOD_UNKNOWN', 'VDI.frobnicate']);
    assert.deepEqual(await xmlError(url, 'VDI.get_record', [session]), ['MESSAGE_PARAMETER_COUNT_MISMATCH', 'VDI.get_record', '2', '1']);
    assert.deepEqual(await xmlError(url, 'session.login_with_password', ['root']), ['MESSAGE_PARAMETER_COUNT_MISMATCH', 'session.login_with_password', '2', '1']);
    const lab = await login(sim, 'Lab');
    assert.deepEqual(await xmlError(lab.url, 'session.login_with_password', ['root', 'a', 'b', 'c', 'd']), ['MESSAGE_PARAMETER_COUNT_MISMATCH', 'session.login_with_password', '4', '5']);
    assert.deepEqual(await xmlError(url, 'VDI.get_all', ['OpaqueRef:nope']), ['SESSION_INVALID', 'OpaqueRef:nope']);
    assert.deepEqual(await xmlError(url, 'VDI.get_record', [session, 'OpaqueRef:nope']), ['HANDLE_INVALID', 'VDI', 'OpaqueRef:nope']);
    assert.deepEqual(await xmlError(url, 'SR.get_by_uuid', [session, 'nope']), ['UUID_INVALID', 'SR', 'nope']);
    const j = await jsonCall(lab.url, 'VM.get_record', [lab.session, 'OpaqueRef:nope'], 'x');
    assert.deepEqual(j, { jsonrpc: '2.0', error: { code: 1, message: 'HANDLE_INVALID', data: ['VM', 'OpaqueRef:nope'] }, id: 'x', contentType: 'application/json' });
    const methods = (await xmlValue(url, 'system.listMethods', [])) as string[];
    for (const m of ['VDI.get_all_records', 'host.get_address', 'event.from', 'pool.get_master', 'VM_guest_metrics.get_PV_drivers_version']) assert.ok(methods.includes(m), m);
    assert.ok(!methods.includes('event.inject'), 'XCP 1.5 lists no event.inject (6.1)');
    assert.ok(((await xmlValue(lab.url, 'system.listMethods', [])) as string[]).includes('event.inject'), 'XCP-ng 8 lists it');
  });

  test('lookups: get_by_uuid, get_uuid, get_<field>, get_by_name_label, session.get_this_host, pool.get_master', async () => {
    const { url, session } = await login(sim, 'Generic');
    const g = sim.fleet.pools[1];
    const master = (await xmlValue(url, 'host.get_by_uuid', [session, g.hosts[4].uuid])) as string;
    assert.equal(await xmlValue(url, 'host.get_uuid', [session, master]), g.hosts[4].uuid);
    assert.equal(await xmlValue(url, 'host.get_address', [session, master]), '127.77.2.5');
    assert.deepEqual(await xmlValue(url, 'host.get_by_name_label', [session, 'vms-gen-05']), [master]);
    assert.equal(await xmlValue(url, 'session.get_this_host', [session, session]), master);
    const pool = ((await xmlValue(url, 'pool.get_all', [session])) as string[])[0];
    assert.equal(await xmlValue(url, 'pool.get_master', [session, pool]), master);
    const srs = Object.values((await xmlValue(url, 'SR.get_all_records', [session])) as Rec);
    const iscsi = srs.find((s) => s.type === 'lvmoiscsi')!;
    assert.equal(iscsi.shared, true);
    const pbd = (await xmlValue(url, 'PBD.get_record', [session, iscsi.PBDs[0]])) as Rec;
    assert.equal(pbd.device_config.target, '10.99.0.34');
  });

  test('event.from blocks, then wakes on a control rename; odd names round-trip both ways', async () => {
    const { url, session } = await login(sim, 'Piet');
    const first = (await xmlValue(url, 'event.from', [session, ['vdi'], '', new XDouble(0)])) as Rec;
    assert.ok(first.events.length > 0 && first.events.every((e: Rec) => e.operation === 'add' && e.class === 'vdi'));
    assert.equal(typeof first.valid_ref_counts.vdi, 'number'); // <i4>
    const vdi = first.events[0].snapshot as Rec;

    const started = Date.now();
    const quiet = (await xmlValue(url, 'event.from', [session, ['vdi'], first.token, new XDouble(0.3)])) as Rec;
    assert.ok(Date.now() - started >= 250, 'blocks for the timeout when nothing happens');
    assert.deepEqual(quiet.events, []);

    const waiting = xmlValue(url, 'event.from', [session, ['vdi', 'sr'], quiet.token, new XDouble(30)]);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    const renamed = await control(sim.controlUrl, 'rename', { uuid: vdi.uuid, name_label: tenKilobytes });
    assert.equal(renamed.status, 200);
    const woke = (await waiting) as Rec;
    assert.ok(Date.now() - t0 < 2000, 'woke at once');
    assert.equal(woke.events.length, 1);
    assert.equal(woke.events[0].operation, 'mod');
    assert.equal(woke.events[0].class, 'vdi');
    assert.equal(woke.events[0].snapshot.name_label, tenKilobytes);
    assert.notEqual(woke.token, quiet.token);

    const ref = woke.events[0].ref as string;
    assert.equal(await xmlValue(url, 'VDI.get_name_label', [session, ref]), tenKilobytes);
    // And back through XAPI itself.
    assert.equal(await xmlValue(url, 'VDI.set_name_label', [session, ref, awkward]), '');
    assert.equal(((await xmlValue(url, 'VDI.get_record', [session, ref])) as Rec).name_label, awkward);
    // The same through JSON-RPC, on the XCP-ng pool.
    const lab = await login(sim, 'Lab');
    const labVdi = (((await jsonCall(lab.url, 'VDI.get_all', [lab.session])).result) as string[])[0];
    assert.equal((await jsonCall(lab.url, 'VDI.set_name_label', [lab.session, labVdi, tenKilobytes])).result, '');
    assert.equal((await jsonCall(lab.url, 'VDI.get_name_label', [lab.session, labVdi])).result, tenKilobytes);
  });

  test('control vdi/add and vdi/remove: add/del events and the SR change', async () => {
    const { url, session } = await login(sim, 'Piet');
    const { token } = (await xmlValue(url, 'event.from', [session, ['pool'], '', new XDouble(0)])) as Rec; // XCP 1.5: no event.inject
    const srs = Object.entries((await xmlValue(url, 'SR.get_all_records', [session])) as Rec);
    const [srRef, sr] = srs.find(([, s]) => s.type === 'lvmohba')!;
    const added = await control(sim.controlUrl, 'vdi/add', { sr: sr.uuid, name_label: 'My Raw LVM VDI 2', virtual_size: 10 * 2 ** 30, format: 'raw' });
    assert.equal(added.status, 200);
    const ev = (await xmlValue(url, 'event.from', [session, ['vdi', 'sr'], token, new XDouble(5)])) as Rec;
    const add = ev.events.find((e: Rec) => e.class === 'vdi');
    assert.equal(add.operation, 'add');
    assert.equal(add.ref, added.body.ref);
    assert.deepEqual(add.snapshot.sm_config, { type: 'raw', vdi_type: 'aio' });
    assert.equal(add.snapshot.virtual_size, String(10 * 2 ** 30));
    const srMod = ev.events.find((e: Rec) => e.class === 'sr');
    assert.equal(srMod.ref, srRef);
    assert.ok(srMod.snapshot.VDIs.includes(added.body.ref));

    assert.equal((await control(sim.controlUrl, 'vdi/remove', { uuid: added.body.uuid })).status, 200);
    const ev2 = (await xmlValue(url, 'event.from', [session, ['vdi', 'sr'], ev.token, new XDouble(5)])) as Rec;
    const del = ev2.events.find((e: Rec) => e.class === 'vdi');
    assert.equal(del.operation, 'del');
    assert.equal(del.snapshot, undefined);
    assert.ok(!ev2.events.find((e: Rec) => e.class === 'sr').snapshot.VDIs.includes(added.body.ref));
    assert.deepEqual(await xmlError(url, 'VDI.get_record', [session, added.body.ref]), ['HANDLE_INVALID', 'VDI', added.body.ref]);
    assert.equal((await control(sim.controlUrl, 'vdi/remove', { uuid: added.body.uuid })).status, 404);
  });

  test('a slave goes down and comes back: its listener stops answering, host_metrics.live follows', async () => {
    const { url, session } = await login(sim, 'BL0');
    const bl0 = sim.fleet.pools[2];
    const slave = bl0.hosts[2];
    const hostRef = (await xmlValue(url, 'host.get_by_uuid', [session, slave.uuid])) as string;
    const metrics = (await xmlValue(url, 'host.get_metrics', [session, hostRef])) as string;
    const ev0 = (await xmlValue(url, 'event.from', [session, ['host_metrics'], '', new XDouble(0)])) as Rec;
    assert.equal((await control(sim.controlUrl, 'host/down', { host: slave.name })).status, 200);
    const ev = (await xmlValue(url, 'event.from', [session, ['host_metrics'], ev0.token, new XDouble(5)])) as Rec;
    assert.deepEqual(ev.events.map((e: Rec) => [e.ref, e.snapshot.live]), [[metrics, false]]);
    const slaveUrl = `http://${slave.address}:${sim.port}/`;
    await assert.rejects(xmlCall(slaveUrl, 'session.login_with_password', ['root', bl0.password]));
    assert.equal((await control(sim.controlUrl, 'host/up', { host: slave.uuid })).status, 200);
    assert.deepEqual(await xmlError(slaveUrl, 'session.login_with_password', ['root', bl0.password]), ['HOST_IS_SLAVE', '127.77.3.1']);
    assert.equal(await xmlValue(url, 'host_metrics.get_live', [session, metrics]), true);
  });

  test('the master goes down: the pool API is gone, slaves still name it, control still answers', async () => {
    const sec = sim.fleet.pools[3];
    const { url } = await login(sim, 'Security');
    assert.equal((await control(sim.controlUrl, 'host/down', { host: 'vms-sec-01' })).status, 200);
    await assert.rejects(xmlCall(url, 'session.login_with_password', ['root', sec.password]));
    const slaveUrl = `http://${sec.hosts[1].address}:${sim.port}/`;
    assert.deepEqual(await xmlError(slaveUrl, 'session.login_with_password', ['root', sec.password]), ['HOST_IS_SLAVE', '127.77.4.1']);
    const local = (await xmlValue(slaveUrl, 'session.slave_local_login_with_password', ['root', sec.password])) as string;
    assert.equal(((await xmlValue(slaveUrl, 'host.get_all', [local])) as string[]).length, 2);
    assert.equal((await control(`http://${sec.hosts[0].address}:${sim.port}/control/`, 'fleet')).status, 200);
    assert.equal((await control(sim.controlUrl, 'host/up', { host: 'vms-sec-01' })).status, 200);
    assert.match(String(await xmlValue(url, 'session.login_with_password', ['root', sec.password])), /^OpaqueRef:/);
  });

  test('malformed requests get a failure, and the server carries on', async () => {
    const gen = sim.fleet.pools[1];
    const lab = sim.fleet.pools[4];
    const badXml = '<methodCall><methodName>x</methodName><params><param><value><i4>z</i4>';
    const bad = await post(gen.url, badXml);
    assert.equal(bad.status, 200);
    assert.match(bad.body, /<fault>.*<name>faultCode<\/name><value><i4>1<\/i4>.*Failed to parse supplied XML/, 'XCP 1.5 answers an XML-RPC fault');
    const badLab = await post(lab.url, badXml);
    assert.match(badLab.body, /<value>Failure<\/value>/);
    const badJson = await post(new URL('/jsonrpc', lab.url).toString(), '{"method":', 'application/json');
    assert.equal(JSON.parse(badJson.body).error.code, 1);
    assert.match(String(await xmlValue(gen.url, 'session.login_with_password', ['root', gen.password])), /^OpaqueRef:/);
    assert.equal((await control(sim.controlUrl, 'nope', {})).status, 404);
    assert.equal((await post(new URL('rename', sim.controlUrl).toString(), '{', 'application/json')).status, 400);
  });
});

describe('simulator: whole-fleet faults', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator({ seed: 7, net: 78 });
  });
  after(() => sim.stop());

  test('EVENTS_LOST after /control/events/lose, also for a blocked call; a fresh token works', async () => {
    const { url, session } = await login(sim, 'Generic');
    assert.ok(sim.fleet.pools[1].url.startsWith('http://127.78.2.5:'));
    const { token } = (await xmlValue(url, 'event.from', [session, ['*'], '', new XDouble(0)])) as Rec;
    const blocked = xmlCall(url, 'event.from', [session, ['vm'], token, new XDouble(30)]);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await control(sim.controlUrl, 'events/lose', {})).status, 200);
    assert.deepEqual(await blocked, { Status: 'Failure', ErrorDescription: ['EVENTS_LOST'] });
    assert.deepEqual(await xmlError(url, 'event.from', [session, ['vm'], token, new XDouble(0)]), ['EVENTS_LOST']);
    const fresh = (await xmlValue(url, 'event.from', [session, ['vm'], '', new XDouble(0)])) as Rec;
    assert.deepEqual(((await xmlValue(url, 'event.from', [session, ['vm'], fresh.token, new XDouble(0)])) as Rec).events, []);
    assert.deepEqual(await xmlError(url, 'event.from', [session, ['vm'], 'garbage', new XDouble(0)]), ['EVENT_FROM_TOKEN_PARSE_FAILURE', 'garbage']);
  });

  test('sessions/invalidate: every session gets SESSION_INVALID', async () => {
    const a = await login(sim, 'Piet');
    const b = await login(sim, 'BL0');
    assert.equal((await control(sim.controlUrl, 'sessions/invalidate', {})).status, 200);
    assert.deepEqual(await xmlError(a.url, 'host.get_all', [a.session]), ['SESSION_INVALID', a.session]);
    assert.deepEqual(await xmlError(b.url, 'host.get_all', [b.session]), ['SESSION_INVALID', b.session]);
    const c = await login(sim, 'Lab');
    assert.equal((await control(sim.controlUrl, 'sessions/invalidate', {})).status, 200);
    assert.deepEqual((await jsonCall(c.url, 'host.get_all', [c.session])).error, { code: 1, message: 'SESSION_INVALID', data: [c.session] });
  });
});

test('the same seed gives the same fleet; another seed another', () => {
  const uuids = (seed: number) => [...buildFleet({ seed }).pools[0].all('VDI')].map((v) => `${v.uuid} ${v.record.name_label as string}`);
  assert.deepEqual(uuids(3), uuids(3));
  assert.notDeepEqual(uuids(3), uuids(4));
});

test('scale knob: the Piet pool takes the asked sizes', () => {
  const fleet = buildFleet({ scale: { hosts: 40, vdis: 900, vms: 300 } });
  const piet = fleet.pools[0];
  assert.equal(piet.count('host'), 40);
  assert.equal(piet.count('VDI'), 900);
  assert.equal(piet.count('VM'), 300 + 40 + 1); // plus one control domain per host and the "Other install media" template
  assert.equal(fleet.pools[1].count('host'), 8);
});

test('tls: https with the announced fingerprint; rotateCertificate changes what new connections see', async () => {
  const sim = await startSimulator({ tls: true, net: 79 });
  try {
    const piet = sim.fleet.pools[0];
    assert.ok(piet.url.startsWith('https://127.79.1.1:'));
    const seen = () =>
      new Promise<string>((resolve, reject) => {
        const s = tls.connect({ host: '127.79.1.1', port: sim.port, rejectUnauthorized: false }, () => {
          resolve(s.getPeerCertificate().fingerprint256);
          s.end();
        });
        s.on('error', reject);
      });
    const before = sim.fleet.tls!.fingerprint256;
    assert.equal(await seen(), before);
    const rotated = await sim.rotateCertificate();
    assert.notEqual(rotated.fingerprint256, before);
    assert.equal(sim.fleet.tls!.fingerprint256, rotated.fingerprint256);
    assert.equal(await seen(), rotated.fingerprint256);
  } finally {
    await sim.stop();
  }
});
