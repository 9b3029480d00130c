// S4, grow a Fibre Channel SR online after the LUN was grown on the array. On EVERY host with a PBD
// for the SR: find the multipath map of the LUN (the PBD's SCSIid) and record its paths' sizes; rescan
// each path and wait until all report the same, larger size; resize the map and check it matches.
// Then once, on the master: pvresize, show the PV and VG, SR.scan, and read physical_size back — an
// unchanged size is a failure (LVHDSR's own grow fails silently, "Failed to grow the PV, non-fatal" in
// /var/log/SMlog). A host where a step fails stops the plan there. No vscode import.

import type { PoolModel } from '../model/poolModel';
import { isUuid, type Ref } from '../xapi/records';
import { devicePathArg, raw, sh, uuidArg } from '../shell/quote';
import { l10n } from '../text/l10n';
import { refusedPlan, type HostTarget, type ObjectRef, type Plan, type Step } from './plan';

/** The grid's columns: per host, then once for the pool. */
export const HOST_STEPS = ['find map', 'rescan paths', 'resize map'] as const;
export const POOL_STEPS = ['pvresize', 'SR.scan', 'physical_size'] as const;

const WWID = /^[0-9A-Za-z]{1,64}$/;

/**
 * Which grid cell a step of this plan fills: its host's uuid (a row key a name cannot break: two hosts
 * may share a name, a name may hold ':'), whether it is the pool's once-only row, and its column.
 */
export function gridCell(step: Step): { host: string; once: boolean; column: string } | undefined {
  const m = /^(host|pool):([0-9a-fA-F-]{36}):(.+)$/.exec(step.id);
  return m ? { host: m[2], once: m[1] === 'pool', column: m[3] } : undefined;
}

/** "path sdb 123" / "map dm-3 123" lines of the steps' output. */
export function parseSizes(output: string): { name: string; bytes: number }[] {
  const out: { name: string; bytes: number }[] = [];
  for (const line of output.split('\n')) {
    const m = /^(path|map) (\S+) (\d+)$/.exec(line.trim());
    if (m) out.push({ name: m[1] === 'map' ? `map ${m[2]}` : m[2], bytes: Number(m[3]) });
  }
  return out;
}

// The runbook's S4 commands, one named fragment per thing they do. Our own shell text is raw(); the one
// value from XAPI, the LUN's WWID, goes in through sh`` (quoted), on top of the WWID check; a fragment
// built with sh`` is itself wrapped in raw() so it is not quoted a second time.

/** `$dm`: the LUN's multipath map (dm-N), or the step fails naming the LUN and the host. */
const findMap = (wwid: string) => raw(sh`dm=$(multipath -l ${wwid} | awk 'NR==1 {print $2}'); [ -n "$dm" ] || { echo "no multipath map for" ${wwid} "on $(hostname)" >&2; exit 1; }`);
/** One "path sdX <bytes>" line per path under the map. */
const pathSizes = raw('for p in /sys/block/$dm/slaves/*; do echo "path $(basename $p) $(( $(cat $p/size) * 512 ))"; done');
/** "map dm-N <bytes>". */
const mapSize = raw('echo "map $dm $(( $(cat /sys/block/$dm/size) * 512 ))"');
/** `$old`: the map's size before the rescan. */
const rememberOldSize = raw('old=$(( $(cat /sys/block/$dm/size) * 512 ))');
/** Each path told to read the LUN's capacity again. */
const rescanEachPath = raw('for p in /sys/block/$dm/slaves/*; do echo 1 > $p/device/rescan; done');
/** Up to 10 s for every path to report more than `$old`; `$grown` says whether they did. */
const waitForLargerPaths = raw('for i in $(seq 1 50); do grown=1; for p in /sys/block/$dm/slaves/*; do [ $(( $(cat $p/size) * 512 )) -gt $old ] || grown=0; done; [ $grown = 1 ] && break; sleep 0.2; done');
const failUnlessGrown = raw('[ $grown = 1 ] || { echo "a path still reports $old bytes: was the LUN grown on the array?" >&2; exit 1; }');
const failUnlessPathsAgree = raw('[ "$(cat /sys/block/$dm/slaves/*/size | sort -u | wc -l)" = 1 ] || { echo "the paths disagree on the size" >&2; exit 1; }');
/** multipathd's own resize of the map; anything but "ok" fails the step. */
const resizeMap = (wwid: string) => raw(sh`r=$(multipathd -k"resize map "${wwid}); echo "multipathd: $r"; [ "$r" = ok ] || exit 1`);
const failUnlessMapMatchesPaths = raw('m=$(cat /sys/block/$dm/size); for p in /sys/block/$dm/slaves/*; do [ "$(cat $p/size)" = "$m" ] || { echo "the map and $(basename $p) differ" >&2; exit 1; }; done');
/** XCP-ng 8's LVM keeps metadata read-only unless told otherwise for this one command. */
const writableMetadata = (newer: boolean) => raw(newer ? "--config 'global{metadata_read_only=0}' " : '');

function hostSteps(host: HostTarget, wwid: string): Step[] {
  const id = (c: string) => `host:${host.uuid}:${c}`;
  return [
    {
      id: id('find map'),
      title: l10n.t('{0}: find the multipath map and its paths', host.name),
      why: l10n.t('The PBD\'s SCSIid names the LUN; multipath -l gives its map (dm-N), sysfs the paths under it and their sizes.'),
      destructive: false,
      action: { kind: 'shell', host, command: sh`${findMap(wwid)}; multipath -l ${wwid}; pvscan >/dev/null 2>&1; ${pathSizes}; ${mapSize}` },
      check: l10n.t('a map with its paths'),
    },
    {
      id: id('rescan paths'),
      title: l10n.t('{0}: rescan each path', host.name),
      why: l10n.t('A path reads the LUN\'s new capacity only when rescanned; every path must agree before the map can grow.'),
      destructive: false,
      action: {
        kind: 'shell', host,
        command: sh`${findMap(wwid)}; ${rememberOldSize}; ${rescanEachPath}; ${waitForLargerPaths}; ${pathSizes}; ${failUnlessGrown}; ${failUnlessPathsAgree}`,
      },
      check: l10n.t('every path reports the same, larger size'),
    },
    {
      id: id('resize map'),
      title: l10n.t('{0}: resize the map', host.name),
      why: l10n.t('multipathd takes the paths\' new size into the map the PV sits on.'),
      destructive: false,
      action: {
        kind: 'shell', host,
        command: sh`${findMap(wwid)}; ${resizeMap(wwid)}; ${pathSizes}; ${mapSize}; ${failUnlessMapMatchesPaths}`,
      },
      check: l10n.t('the map is as large as its paths'),
    },
  ];
}

/**
 * The storage manager's log of the last scan of this SR on the master: the lines of the process that
 * logged `sr_scan` for it (SMlog's `SM: [pid]`), else the log's tail. Read-only.
 */
export function smlogOfLastScan(srUuid: string): string {
  const marker = `sr_scan {'sr_uuid': '${uuidArg(srUuid).text}'`;
  const pidOf = 's/.* SM: \\[\\([0-9]*\\)\\].*/\\1/p';
  return sh`pid=$(grep -F -e ${marker} /var/log/SMlog | tail -n 1 | sed -n ${pidOf}); ` +
    'if [ -n "$pid" ]; then grep -F -e "SM: [$pid]" /var/log/SMlog | tail -n 40; else tail -n 40 /var/log/SMlog; fi';
}

export function planSrResize(model: PoolModel, srRef: Ref<'SR'>): Plan {
  const sr = model.get('SR', srRef);
  const target: ObjectRef = { kind: 'SR', name: sr?.name_label ?? '?', uuid: sr?.uuid ?? '' };
  const base = { procedure: 'S4', title: l10n.t('Grow an FC SR online') };
  const refuse = (refusal: string, facts: string[] = []): Plan => refusedPlan(base, target, refusal, facts);
  if (!sr) return refuse(l10n.t('This SR is no longer in the pool.'));
  if (!isUuid(sr.uuid)) return refuse(l10n.t('XAPI gave the SR a malformed uuid ({0}).', sr.uuid));
  if (sr.type !== 'lvmohba' && sr.type !== 'lvmoiscsi') return refuse(l10n.t('{0} is a {1} SR: this procedure grows a multipathed LUN (lvmohba, or lvmoiscsi).', sr.name_label, sr.type));
  const pbds = model.pbdsOf(srRef);
  const facts = [l10n.t('{0}: physical_size {1} bytes, {2} PBD(s).', sr.name_label, sr.physical_size, pbds.length)];
  const ids = new Set(pbds.map((p) => p.record.device_config.SCSIid).filter(Boolean));
  if (ids.size !== 1) return refuse(l10n.t('The PBDs name {0}: one LUN is expected.', ids.size === 0 ? l10n.t('no SCSIid') : l10n.t('{0} different SCSIids', ids.size)), facts);
  const wwid = [...ids][0];
  if (!WWID.test(wwid)) return refuse(l10n.t('The SCSIid "{0}" is not a WWID (letters and digits): refusing to put it into a command.', wwid), facts);
  facts.push(l10n.t('The LUN\'s WWID (PBD device_config.SCSIid): {0}.', wwid));
  const unplugged = pbds.filter((p) => !p.record.currently_attached || !p.host || !model.isHostLive(p.host.ref));
  if (unplugged.length) {
    return refuse((unplugged.length > 1 ? l10n.t('Every host with a PBD must take part; {0} are dead or unplugged. Plug or forget them first.', unplugged.map((p) => p.host?.record.name_label ?? '?').join(', ')) : l10n.t('Every host with a PBD must take part; {0} is dead or unplugged. Plug or forget it first.', unplugged.map((p) => p.host?.record.name_label ?? '?').join(', '))), facts);
  }
  const master = model.master();
  if (!master) return refuse(l10n.t('The pool has no known master.'), facts);
  const hosts = pbds.map((p) => p.host!).sort((a, b) => a.record.name_label.localeCompare(b.record.name_label, 'en', { numeric: true }));
  facts.push(l10n.t('Hosts with a PBD: {0}.', hosts.map((h) => h.record.name_label).join(', ')));
  const m: HostTarget = { name: master.record.name_label, uuid: master.record.uuid, address: master.record.address };
  const newer = /^(8|9)\./.test(master.record.software_version.product_version ?? '') && /xcp-ng/i.test(master.record.software_version.product_brand ?? '');
  const pool = (c: string) => `pool:${m.uuid}:${c}`;
  const before = sr.physical_size;
  return {
    ...base,
    target,
    summary: l10n.t('For a LUN already grown on the array: on each of the {0} hosts, rescan the paths of {1} and resize its map; then pvresize once on {2} and scan, so {3}\'s physical_size grows (now {4} bytes). Nothing is written to the VDIs; VMs keep running.', hosts.length, wwid, m.name, sr.name_label, before),
    facts,
    steps: [
      ...hosts.flatMap((h) => hostSteps({ name: h.record.name_label, uuid: h.record.uuid, address: h.record.address }, wwid)),
      {
        id: pool('pvresize'),
        title: l10n.t('{0}: grow the PV', m.name),
        why: l10n.t('Every host sees the larger map; the PV (and with it the VG) takes the new size once, on the master.'),
        destructive: false,
        action: { kind: 'shell', host: m, command: sh`pvresize ${writableMetadata(newer)}${devicePathArg(`/dev/mapper/${wwid}`)} && pvdisplay -C && vgdisplay -C` },
      },
      {
        id: pool('SR.scan'),
        title: l10n.t('Scan {0}', sr.name_label),
        why: l10n.t('XAPI reads the VG\'s new size into physical_size.'),
        destructive: false,
        action: { kind: 'xapi', method: 'SR.scan', args: [srRef], xe: sh`xe sr-scan uuid=${uuidArg(sr.uuid)}` },
      },
      {
        id: pool('physical_size'),
        title: l10n.t('Read {0}\'s physical_size back', sr.name_label),
        why: l10n.t('The end state: larger than before. An unchanged size means the grow failed (see /var/log/SMlog on the master: "Failed to grow the PV, non-fatal").'),
        destructive: false,
        action: { kind: 'xapi', method: 'SR.get_physical_size', args: [srRef], xe: sh`xe sr-param-get uuid=${uuidArg(sr.uuid)} param-name=physical-size` },
        expect: (v) => (Number(v) > before ? undefined : l10n.t('physical_size is still {0} bytes: the PV did not grow', Number(v))),
        check: l10n.t('more than {0} bytes', before),
        checkAbove: before,
        onFailure: { host: m, what: l10n.t('{0} (the scan of {1})', '/var/log/SMlog', sr.name_label), command: smlogOfLastScan(sr.uuid) },
      },
    ],
  };
}
