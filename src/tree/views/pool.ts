// What a pool row says: its connection state (connecting, failed and why, a silent master and what the
// members answered) or, connected, its master, hosts, product, API and transport. No vscode import.

import { describeProbe } from '../../model/masterProbe';
import { apiVersionOf, productOf } from '../../model/release';
import type { TreeSource } from '../nodes';
import { markdownProse } from '../../text/display';
import { esc, md, oneLine, type NodeView } from './nodeView';
import { hostCount } from '../format';
import { l10n } from '../../text/l10n';
import { changes, row, type RowReads } from './reads';

/** The pool row's few words on why it failed to connect. */
function failureSummary(failure: string): string {
  switch (failure) {
    case 'dns': return l10n.t('host name not found');
    case 'refused': return l10n.t('connection refused');
    case 'timeout': return l10n.t('no answer (timeout)');
    case 'unreachable': return l10n.t('unreachable');
    case 'tls-untrusted': return l10n.t('certificate not trusted');
    case 'tls-changed': return l10n.t('certificate CHANGED: refused');
    case 'auth': return l10n.t('authentication failed: wrong user name or password');
    case 'not-xapi': return l10n.t('not a XAPI server');
    case 'xapi': return l10n.t('XAPI error');
    default: return l10n.t('cannot connect');
  }
}

export function poolView(pool: string, source: TreeSource): NodeView {
  const s = source.state(pool);
  const url = source.url(pool) ?? '';
  if (!s || s.kind === 'disconnected') {
    return { label: pool, description: l10n.t('disconnected'), tooltip: md(`**${esc(pool)}**`, esc(url), l10n.t('Not connected.')), contextValue: 'pool.disconnected', icon: 'debug-disconnect', collapsible: true };
  }
  if (s.kind === 'connecting') {
    return { label: pool, description: l10n.t('connecting…'), tooltip: md(`**${esc(pool)}**`, esc(url)), contextValue: 'pool.connecting', icon: 'loading~spin', collapsible: true };
  }
  if (s.kind === 'failed') {
    return {
      label: pool,
      description: failureSummary(s.failure),
      tooltip: md(`**${esc(pool)}**: ${failureSummary(s.failure)}`, esc(url), markdownProse(s.message), l10n.t('_Retry from the context menu or the row below._')),
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
      description: oneLine(l10n.t('master {0} not answering · slaves answer · {1}', name, hostCount(hosts.length))),
      tooltip: md(
        l10n.t('**{0}**: the master {1} ({2}) does not answer XAPI; what the members said:', esc(pool), esc(name), esc(s.masterAddress)),
        describeProbe(s.masterLost).map((l) => `- ${esc(l)}`).join('\n'),
        l10n.t('_The hosts shown are the last state read. Recover the pool onto a slave from the context menu (H4)._'),
      ),
      contextValue: 'pool.masterLost',
      icon: 'error',
      iconColor: 'errorForeground',
      collapsible: true,
    };
  }
  const dead = hosts.filter((h) => !model.isHostLive(h.ref)).length;
  const masterName = master?.record.name_label ?? '?';
  const description = [l10n.t('master {0}', masterName), hostCount(hosts.length), dead ? l10n.t('{0} dead', dead) : undefined].filter(Boolean).join(' · ');
  const poolRec = model.all('pool')[0]?.record;
  const api = apiVersionOf(model);
  return {
    label: pool,
    description: oneLine(description),
    tooltip: md(
      l10n.t('**{0}** (XAPI name: {1})', esc(pool), esc(poolRec?.name_label ?? '')),
      l10n.t('uuid: {0}', `\`${poolRec?.uuid ?? ''}\``),
      l10n.t('master: {0} ({1})', esc(masterName), esc(s.masterAddress)),
      l10n.t('product: {0} · API {1} · {2}', productOf(model) !== undefined ? esc(productOf(model)!) : l10n.t('unknown'), api ? `${api.major}.${api.minor}` : l10n.t('unknown'), s.transport === 'jsonrpc' ? 'JSON-RPC' : 'XML-RPC'),
      l10n.t('url: {0}', esc(url)),
      poolRec?.ha_enabled ? l10n.t('HA: enabled') : l10n.t('HA: disabled'),
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
