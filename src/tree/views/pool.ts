// What a pool row says: its connection state (connecting, failed and why, a silent master and what the
// members answered) or, connected, its master, hosts, product, API and transport. No vscode import.

import { describeProbe } from '../../model/masterProbe';
import { apiVersionOf, productOf } from '../../model/release';
import type { TreeSource } from '../nodes';
import { markdownProse } from '../../text/display';
import { esc, md, oneLine, type NodeView } from './nodeView';
import { count } from '../format';
import { changes, row, type RowReads } from './reads';

const FAILURE_SUMMARY: Record<string, string> = {
  dns: 'host name not found',
  refused: 'connection refused',
  timeout: 'no answer (timeout)',
  unreachable: 'unreachable',
  'tls-untrusted': 'certificate not trusted',
  'tls-changed': 'certificate CHANGED: refused',
  auth: 'authentication failed: wrong user name or password',
  'not-xapi': 'not a XAPI server',
  xapi: 'XAPI error',
  other: 'cannot connect',
};

export function poolView(pool: string, source: TreeSource): NodeView {
  const s = source.state(pool);
  const url = source.url(pool) ?? '';
  if (!s || s.kind === 'disconnected') {
    return { label: pool, description: 'disconnected', tooltip: md(`**${pool}**`, `${url}`, 'Not connected.'), contextValue: 'pool.disconnected', icon: 'debug-disconnect', collapsible: true };
  }
  if (s.kind === 'connecting') {
    return { label: pool, description: 'connecting…', tooltip: md(`**${pool}**`, url), contextValue: 'pool.connecting', icon: 'loading~spin', collapsible: true };
  }
  if (s.kind === 'failed') {
    return {
      label: pool,
      description: FAILURE_SUMMARY[s.failure] ?? 'cannot connect',
      tooltip: md(`**${esc(pool)}**: ${FAILURE_SUMMARY[s.failure] ?? 'cannot connect'}`, esc(url), markdownProse(s.message), '_Retry from the context menu or the row below._'),
      contextValue: 'pool.failed',
      icon: 'warning',
      iconColor: 'problemsWarningIcon.foreground',
      collapsible: true,
    };
  }
  const model = s.model;
  const master = model.master();
  const hosts = model.hosts();
  if (s.masterLost) {
    const name = master?.record.name_label ?? s.masterAddress;
    return {
      label: pool,
      description: oneLine(`master ${name} not answering · slaves answer · ${count(hosts.length, 'host')}`),
      tooltip: md(
        `**${esc(pool)}**: the master ${esc(name)} (${esc(s.masterAddress)}) does not answer XAPI; what the members said:`,
        describeProbe(s.masterLost).map((l) => `- ${esc(l)}`).join('\n'),
        '_The hosts shown are the last state read. Recover the pool onto a slave from the context menu (H4)._',
      ),
      contextValue: 'pool.masterLost',
      icon: 'error',
      iconColor: 'errorForeground',
      collapsible: true,
    };
  }
  const dead = hosts.filter((h) => !model.isHostLive(h.ref)).length;
  const masterName = master?.record.name_label ?? '?';
  const description = [`master ${masterName}`, count(hosts.length, 'host'), dead ? `${dead} dead` : undefined].filter(Boolean).join(' · ');
  const poolRec = model.all('pool')[0]?.record;
  const api = apiVersionOf(model);
  return {
    label: pool,
    description: oneLine(description),
    tooltip: md(
      `**${esc(pool)}** (XAPI name: ${esc(poolRec?.name_label ?? '')})`,
      `uuid: \`${poolRec?.uuid ?? ''}\``,
      `master: ${esc(masterName)} (${esc(s.masterAddress)})`,
      `product: ${esc(productOf(model) ?? 'unknown')} · API ${api ? `${api.major}.${api.minor}` : 'unknown'} · ${s.transport === 'jsonrpc' ? 'JSON-RPC' : 'XML-RPC'}`,
      `url: ${esc(url)}`,
      `HA: ${poolRec?.ha_enabled ? 'enabled' : 'disabled'}`,
    ),
    contextValue: 'pool.connected',
    icon: 'server-environment',
    iconColor: dead ? 'problemsWarningIcon.foreground' : undefined,
    collapsible: true,
  };
}

/** The pool row reads the pool record, the master's name and release, and how many hosts are dead. */
export const poolReads: RowReads = {
  view: [
    { cls: 'pool', fields: ['name_label', 'uuid', 'master', 'ha_enabled'], rows: (c) => [row.pool(c.pool)] },
    {
      cls: 'host',
      fields: ['name_label', 'software_version', 'API_version_major', 'API_version_minor', 'metrics'],
      // any host's coming, going or metrics (the host count, the dead count); the master's name and release
      rows: (c) => (c.change.op !== 'mod' || changes(c.change, ['metrics']) || c.model.isMaster(c.change.ref as never) ? [row.pool(c.pool)] : []),
    },
    { cls: 'host_metrics', fields: ['live'], rows: (c) => [row.pool(c.pool)] },
  ],
};
