// Each health check fires on the simulator and clears when its cause goes away, live: the pool is
// connected as the editor connects it (event.from), the faults come through the simulator's control API
// or XAPI calls, and the findings follow through events only. Also: an event re-runs only the checks
// its class feeds, and XAPI messages come with their pool's priority scale.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PoolConnection } from '../../../src/model/poolConnection';
import type { PoolModel } from '../../../src/model/poolModel';
import type { Finding } from '../../../src/health/finding';
import { HealthMonitor } from '../../../src/health/monitor';
import { NO_TLS, connectPool, control, startSimulator, until, type SimPool, type Simulator } from '../xapi/simulator';

describe('health checks on the simulator, live through events', () => {
  let sim: Simulator;
  let gen: { pool: SimPool; conn: PoolConnection; model: PoolModel };
  let monitor: HealthMonitor;
  before(async () => {
    sim = await startSimulator({ net: 82 });
    gen = await connectPool(sim, 'Generic');
    monitor = new HealthMonitor(gen.model);
  });
  after(async () => {
    monitor.dispose();
    await gen.conn.disconnect();
    await sim.stop();
  });

  const of = (check: string, pred: (f: Finding) => boolean = () => true) => monitor.findings().filter((f) => f.check === check && pred(f));
  const fires = (what: string, check: string, pred?: (f: Finding) => boolean) => until(`${what} fires`, () => of(check, pred).length > 0);
  const clears = (what: string, check: string, pred?: (f: Finding) => boolean) => until(`${what} clears`, () => of(check, pred).length === 0);
  const sharedSr = () => gen.model.sharedSrs()[0];
  const hostNamed = (name: string) => gen.model.hosts().find((h) => h.record.name_label === name)!;

  test('the seed pool starts without errors (nothing to fix on a healthy pool)', () => {
    assert.deepEqual(monitor.findings().filter((f) => f.severity === 'error').map((f) => f.summary), []);
  });

  test('dead host with resident VMs: error with H6 (declare halted); back up: cleared', async () => {
    const slave = gen.model.hosts().find((h) => !gen.model.isMaster(h.ref) && gen.model.residentVms(h.ref).length > 0)!;
    await control(sim, '/control/host/down', { host: slave.record.uuid });
    await fires('dead host', 'dead-host', (f) => f.object.uuid === slave.record.uuid);
    const f = of('dead-host')[0];
    assert.equal(f.severity, 'error');
    assert.equal(f.object.name, slave.record.name_label);
    assert.equal(f.fix?.command, 'xcpAdmin.host.declareVmsHalted');
    assert.match(f.fix!.procedure, /^H6/);
    assert.equal(f.evidence['host_metrics.live'], 'false');
    await control(sim, '/control/host/up', { host: slave.record.uuid });
    await clears('dead host', 'dead-host');
  });

  test('SR usage: 85 % warning, 95 % error, 50 % nothing; an SR event re-runs no host check', async () => {
    const sr = sharedSr();
    await control(sim, '/control/fault/sr-usage', { sr: sr.record.uuid, percent: 85 });
    await fires('SR 85 %', 'sr-usage', (f) => f.severity === 'warning');
    assert.ok(!monitor.lastEvaluated.includes('dead-host'), `ran ${monitor.lastEvaluated.join(', ')}`);
    assert.ok(monitor.lastEvaluated.includes('sr-usage'));
    await control(sim, '/control/fault/sr-usage', { sr: sr.record.uuid, percent: 95 });
    await fires('SR 95 %', 'sr-usage', (f) => f.severity === 'error');
    assert.match(of('sr-usage')[0].summary, /95 % full/);
    await control(sim, '/control/fault/sr-usage', { sr: sr.record.uuid, percent: 50 });
    await clears('SR usage', 'sr-usage');
  });

  test('PBD failed to plug at start: the SR-not-plugged error and the XAPI alert; PBD.plug clears one, Dismiss (message.destroy + reconcile on API 1.9) the other', async () => {
    const sr = sharedSr();
    const host = gen.model.hosts().find((h) => !gen.model.isMaster(h.ref))!;
    await control(sim, '/control/fault/pbd-plug-failed', { sr: sr.record.uuid, host: host.record.uuid });
    await fires('SR not plugged', 'sr-unplugged');
    await fires('PBD_PLUG_FAILED alert', 'xapi-message', (f) => f.message?.name === 'PBD_PLUG_FAILED_ON_SERVER_START');
    const alert = of('xapi-message', (f) => f.message?.name === 'PBD_PLUG_FAILED_ON_SERVER_START')[0];
    assert.equal(alert.severity, 'error', 'priority 1 on XCP 1.5 is not "critical": the name decides');
    assert.equal(alert.object.uuid, host.record.uuid);
    assert.equal(alert.evidence.priority, '1');
    const unplugged = of('sr-unplugged')[0];
    assert.match(unplugged.summary, new RegExp(`not plugged on host ${host.record.name_label}`));
    await gen.conn.call('PBD.plug', [gen.model.pbdsOf(sr.ref).find((p) => p.record.host === host.ref)!.ref]);
    await clears('SR not plugged', 'sr-unplugged');
    await gen.conn.dismissMessage(alert.message!.ref);
    assert.equal(of('xapi-message', (f) => f.message?.ref === alert.message!.ref).length, 0, 'gone at once: reconciled after the dismiss');
  });

  test('multipath: a host below its maximum (warning), no path at all (error), paths back (cleared); hosts disagreeing on the count', async () => {
    const sr = sharedSr();
    const [h1, h2] = gen.model.hosts();
    await control(sim, '/control/fault/multipath', { sr: sr.record.uuid, host: h1.record.uuid, current: 1, max: 2 });
    await fires('path lost', 'multipath-paths', (f) => f.severity === 'warning');
    assert.match(of('multipath-paths')[0].summary, new RegExp(`${h1.record.name_label} sees 1 of 2 paths`));
    await fires('multipath alert', 'xapi-message', (f) => f.message?.name === 'MULTIPATH_PERIODIC_ALERT');
    assert.match(of('xapi-message', (f) => f.message?.name === 'MULTIPATH_PERIODIC_ALERT')[0].summary, new RegExp(`${h1.record.name_label} sees 1 of 2 paths`));
    await control(sim, '/control/fault/multipath', { sr: sr.record.uuid, host: h1.record.uuid, current: 0 });
    await fires('no path', 'multipath-paths', (f) => f.severity === 'error');
    await control(sim, '/control/fault/multipath', { sr: sr.record.uuid, host: h1.record.uuid, current: 2 });
    await clears('path lost', 'multipath-paths');

    assert.equal(of('multipath-disagree').length, 0);
    await control(sim, '/control/fault/multipath', { sr: sr.record.uuid, host: h2.record.uuid, current: 4, max: 4 });
    await fires('hosts disagree', 'multipath-disagree');
    assert.match(of('multipath-disagree')[0].summary, /against 4 on the others/);
    for (const h of gen.model.hosts()) {
      await control(sim, '/control/fault/multipath', { sr: sr.record.uuid, host: h.record.uuid, current: 4, max: 4 });
    }
    await clears('hosts disagree', 'multipath-disagree');
  });

  test('default SR: a local one in a pool of 8 hosts, then none; a shared one again clears it', async () => {
    const poolRef = gen.model.pool().ref;
    const shared = gen.model.pool().record.default_SR;
    const local = gen.model.localSrs(gen.model.hosts()[0].ref)[0];
    await gen.conn.call('pool.set_default_SR', [poolRef, local.ref]);
    await fires('local default SR', 'default-sr', (f) => /is local to/.test(f.summary));
    await gen.conn.call('pool.set_default_SR', [poolRef, 'OpaqueRef:NULL']);
    await fires('no default SR', 'default-sr', (f) => /has no default SR/.test(f.summary));
    await gen.conn.call('pool.set_default_SR', [poolRef, shared]);
    await clears('default SR', 'default-sr');
  });

  test('interrupted import: a VDI attached to dom0 (warning); detached it is an orphan disk (info); destroyed, nothing', async () => {
    const sr = sharedSr();
    const r = (await control(sim, '/control/fault/interrupted-import', { sr: sr.record.uuid, name_label: 'half-imported' })) as { vdi: string; vbdRef: string };
    await fires('dom0 VDI', 'dom0-vdi', (f) => f.object.uuid === r.vdi);
    assert.match(of('dom0-vdi')[0].summary, /^Disk half-imported is attached to Control domain on host: /);
    assert.equal(of('orphan-vdi', (f) => f.object.uuid === r.vdi).length, 0);
    await gen.conn.call('VBD.unplug', [r.vbdRef]);
    await gen.conn.call('VBD.destroy', [r.vbdRef]);
    await clears('dom0 VDI', 'dom0-vdi');
    await fires('orphan VDI', 'orphan-vdi', (f) => f.object.uuid === r.vdi);
    assert.equal(of('orphan-vdi', (f) => f.object.uuid === r.vdi)[0].severity, 'info');
    const vdiRef = gen.model.all('VDI').find((v) => v.record.uuid === r.vdi)!.ref;
    await gen.conn.call('VDI.destroy', [vdiRef]);
    await clears('orphan VDI', 'orphan-vdi', (f) => f.object.uuid === r.vdi);
  });

  test('versions: one host presenting 6.0.99 flags the others (H2) and the guests whose tools report less (H3); all back, cleared', async () => {
    const poolState = sim.state.pool('Generic')!;
    const target = hostNamed(gen.pool.hosts[0].name);
    const simHost = poolState.byUuidOf('host', target.record.uuid)!;
    const before = simHost.record.software_version as Record<string, string>;
    // What H2 leaves after xapi's restart (the dom0 tests run H2 itself).
    poolState.update(simHost, { software_version: { ...before, product_version: '6.0.99' } });
    await fires('override lost elsewhere', 'presented-version');
    assert.equal(of('presented-version').length, gen.model.hosts().length - 1);
    assert.equal(of('presented-version', (f) => f.object.uuid === target.record.uuid).length, 0);
    assert.equal(of('presented-version')[0].fix?.command, 'xcpAdmin.host.presentVersion');
    await fires('old guest tools', 'guest-tools');
    assert.match(of('guest-tools')[0].summary, /report 1\.4\.90, older than the 6\.0\.99/);
    assert.equal(of('software-version').length, 0, 'the build is the same: H2 changes only what is presented');
    poolState.update(simHost, { software_version: before });
    await clears('override lost', 'presented-version');
    await clears('old guest tools', 'guest-tools');
  });

  test('disabled host: information; enabled again: cleared', async () => {
    const poolState = sim.state.pool('Generic')!;
    const host = poolState.byUuidOf('host', gen.model.hosts()[1].record.uuid)!;
    poolState.update(host, { enabled: false });
    await fires('disabled host', 'host-disabled');
    assert.equal(of('host-disabled')[0].severity, 'info');
    poolState.update(host, { enabled: true });
    await clears('disabled host', 'host-disabled');
  });

  test('XCP 1.5 alerts by name and scale: HA_HOST_FAILED (10) an error pointing at the dead-host procedures, clock skew (10) a warning; an unknown name by its priority', async () => {
    const slave = gen.model.hosts().find((h) => !gen.model.isMaster(h.ref) && gen.model.residentVms(h.ref).length > 0)!;
    await control(sim, '/control/fault/ha-host-failed', { host: slave.record.uuid });
    await fires('HA_HOST_FAILED', 'xapi-message', (f) => f.message?.name === 'HA_HOST_FAILED');
    const ha = of('xapi-message', (f) => f.message?.name === 'HA_HOST_FAILED')[0];
    assert.deepEqual([ha.severity, ha.evidence.priority, ha.evidence.body], ['error', '10', `Server '${slave.record.name_label}' has failed`]);
    await until('the dead host behind it', () => !gen.model.isHostLive(slave.ref));
    await until('HA finding points at H6', () => of('xapi-message', (f) => f.message?.name === 'HA_HOST_FAILED')[0]?.fix?.command === 'xcpAdmin.host.declareVmsHalted');
    await control(sim, '/control/host/up', { host: slave.record.uuid });

    await control(sim, '/control/fault/clock-skew', { host: slave.record.uuid });
    await fires('clock skew', 'xapi-message', (f) => f.message?.name === 'HOST_CLOCK_SKEW_DETECTED');
    assert.equal(of('xapi-message', (f) => f.message?.name === 'HOST_CLOCK_SKEW_DETECTED')[0].severity, 'warning');

    const poolUuid = gen.model.pool().record.uuid;
    await gen.conn.call('message.create', ['SOMETHING_NEW', 10, 'Pool', poolUuid, 'x']);
    await gen.conn.call('message.create', ['SOMETHING_SMALL', 1, 'Pool', poolUuid, 'y']);
    await fires('unknown names', 'xapi-message', (f) => f.message?.name === 'SOMETHING_SMALL');
    assert.equal(of('xapi-message', (f) => f.message?.name === 'SOMETHING_NEW')[0].severity, 'error', '10 is the top of the 1.x scale');
    assert.equal(of('xapi-message', (f) => f.message?.name === 'SOMETHING_SMALL')[0].severity, 'info', '1 is the bottom of the 1.x scale');
  });
});

test('XCP 1.5: an alert deleted by another client stays until the next full load (event.from reports no deletion), then goes', async (t) => {
  const sim = await startSimulator({ net: 89 });
  const sec = await connectPool(sim, 'Security');
  const monitor = new HealthMonitor(sec.model);
  t.after(async () => {
    monitor.dispose();
    await sec.conn.disconnect();
    await sim.stop();
  });
  const ref = await sec.conn.call<string>('message.create', ['SOMETHING_ELSEWHERE', 10, 'Pool', sec.model.pool().record.uuid, 'x']);
  await until('the alert', () => monitor.findings().some((f) => f.message?.ref === ref));
  const state = sim.state.pool('Security')!;
  let poolEvents = 0;
  const sub = sec.model.onDidChange((changes) => void (poolEvents += changes.some((c) => c.cls === 'pool') ? 1 : 0));
  state.destroy(state.getOf('message', ref)!); // XenCenter dismissed it
  state.touch(state.poolObject()); // and something else changed: the same event.from answer brings both, if it would
  await until('the event.from answer after the deletion', () => poolEvents > 0);
  sub.dispose();
  assert.ok(monitor.findings().some((f) => f.message?.ref === ref), 'API 1.x event.from never says a message went');
  await control(sim, '/control/events/lose', {}); // the next event.from fails with EVENTS_LOST: a full load, as on a reconnect
  await until('the deleted alert gone after the reload', () => !monitor.findings().some((f) => f.message?.ref === ref), 15_000);
});

test('XCP-ng 8 (API 2.21): 1 is critical; a message destroyed elsewhere disappears through event.from', async (t) => {
  const sim = await startSimulator({ net: 83 });
  const lab = await connectPool(sim, 'Lab');
  const monitor = new HealthMonitor(lab.model);
  t.after(async () => {
    monitor.dispose();
    await lab.conn.disconnect();
    await sim.stop();
  });
  const poolUuid = lab.model.pool().record.uuid;
  const critical = await lab.conn.call<string>('message.create', ['SOMETHING_NEW', 1, 'Pool', poolUuid, 'x']);
  await lab.conn.call('message.create', ['SOMETHING_SMALL', 5, 'Pool', poolUuid, 'y']);
  await until('both alerts', () => monitor.findings().filter((f) => f.check === 'xapi-message').length === 2);
  const sev = (name: string) => monitor.findings().find((f) => f.message?.name === name)?.severity;
  assert.equal(sev('SOMETHING_NEW'), 'error');
  assert.equal(sev('SOMETHING_SMALL'), 'info');
  // Another client (XenCenter) dismisses it: no reconcile on our side, the del event is enough.
  const state = sim.state.pool('Lab')!;
  state.destroy(state.getOf('message', critical)!);
  await until('the dismissed alert gone', () => sev('SOMETHING_NEW') === undefined);
});

test('a silent master with answering slaves: the master-silent error with H4 (recover onto a slave); the master back, cleared', async (t) => {
  const sim = await startSimulator({ net: 90 });
  const gen = sim.fleet.pools.find((p) => p.name === 'Generic')!;
  const conn = new PoolConnection(
    { name: gen.name, url: gen.url, username: 'root', password: async () => gen.password, tls: NO_TLS },
    { eventTimeoutSeconds: 2, backoffInitialMs: 50, backoffMaxMs: 200, failuresBeforeFailed: 2 },
  );
  await conn.connect();
  assert.equal(conn.state.kind, 'connected');
  const model = (conn.state as { model: PoolModel }).model;
  const monitor = new HealthMonitor(model);
  // What the editor's HealthService does with each connection state.
  const sub = conn.onDidChangeState((s) => monitor.setMasterLost(s.kind === 'connected' ? s.masterLost : undefined));
  t.after(async () => {
    sub.dispose();
    monitor.dispose();
    await conn.disconnect();
    await sim.stop();
  });
  await control(sim, '/control/host/down', { host: gen.master });
  await until('master-silent', () => monitor.findings().some((f) => f.check === 'master-silent'), 15_000);
  const f = monitor.findings().find((x) => x.check === 'master-silent')!;
  assert.equal(f.severity, 'error');
  assert.equal(f.object.name, gen.master);
  assert.equal(f.fix?.command, 'xcpAdmin.pool.recoverMaster');
  assert.equal(f.fix?.target?.kind, 'pool');
  await control(sim, '/control/host/up', { host: gen.master });
  await until('master-silent cleared', () => !monitor.findings().some((x) => x.check === 'master-silent'), 15_000);
});
