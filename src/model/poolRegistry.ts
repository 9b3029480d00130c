// The configured pools and their live connections. It turns the pool list (from settings) into one
// PoolConnection per pool, reconnects a pool whose address or user changed, and reports state and
// model changes per pool. No vscode import: the editor side feeds it settings and secrets.

import type { TransportChoice } from '../xapi/transport';
import { PoolConnection, normalizePoolUrl, type ConnectionState, type PoolConnectionTuning, type TlsTrust } from './poolConnection';
import type { ModelChange } from './poolModel';
import { Emitter, type Disposable } from '../base/emitter';
import { l10n } from '../text/l10n';

export interface PoolEntry {
  name: string;
  /** Host name, host:port or URL of the pool master (any member: XAPI redirects to the master). */
  url: string;
  username: string;
  transport?: TransportChoice;
  /** Optional SSH jump host for this pool's dom0s ("user@host:port"). */
  jumpHost?: string;
  /** SSH port of the pool's dom0s (default 22). */
  sshPort?: number;
}

export type RegistryEvent =
  | { kind: 'pools' }
  | { kind: 'state'; pool: string; state: ConnectionState }
  | { kind: 'model'; pool: string; changes: ModelChange[] };

export interface PoolRegistryDeps {
  /** The password stored for this pool name at this address (secrets are bound to both). */
  password(pool: string, url: string): Promise<string | undefined>;
  tls: TlsTrust;
  /** A HOST_IS_SLAVE redirect taught us the master's address: the editor may save it. */
  masterMoved?(pool: string, address: string): void;
  tuning?: PoolConnectionTuning;
}

/** Checks a pool list from settings: returns the usable entries and one sentence per rejected one. */
export function validateEntries(raw: unknown): { entries: PoolEntry[]; problems: string[] } {
  const entries: PoolEntry[] = [];
  const problems: string[] = [];
  if (!Array.isArray(raw)) return { entries, problems: raw === undefined ? [] : [l10n.t('xcpAdmin.pools must be a list of pools.')] };
  const seen = new Set<string>();
  raw.forEach((item, i) => {
    const where = `xcpAdmin.pools[${i}]`;
    if (!item || typeof item !== 'object') return void problems.push(l10n.t('{0} is not an object.', where));
    const { name, url, username, transport, jumpHost, sshPort } = item as Record<string, unknown>;
    if (typeof name !== 'string' || !name.trim()) return void problems.push(l10n.t('{0} has no name.', where));
    if (seen.has(name)) return void problems.push(l10n.t('{0}: the name "{1}" is used twice; the second is ignored.', where, name));
    if (typeof url !== 'string') return void problems.push(l10n.t('{0} ("{1}") has no url.', where, name));
    try {
      normalizePoolUrl(url);
    } catch (err) {
      return void problems.push(`${where} ("${name}"): ${(err as Error).message}`);
    }
    if (transport !== undefined && transport !== 'auto' && transport !== 'xmlrpc' && transport !== 'jsonrpc') {
      return void problems.push(l10n.t('{0} ("{1}"): transport must be auto, xmlrpc or jsonrpc.', where, name));
    }
    if (sshPort !== undefined && !(Number.isInteger(sshPort) && (sshPort as number) > 0 && (sshPort as number) < 65536)) {
      return void problems.push(l10n.t('{0} ("{1}"): sshPort must be a port number.', where, name));
    }
    if (jumpHost !== undefined && (typeof jumpHost !== 'string' || (jumpHost && !parseJumpHost(jumpHost)))) {
      return void problems.push(l10n.t('{0} ("{1}"): jumpHost must look like user@host or user@host:port.', where, name));
    }
    seen.add(name);
    entries.push({
      name,
      url,
      username: typeof username === 'string' && username ? username : 'root',
      transport: transport as TransportChoice | undefined,
      jumpHost: typeof jumpHost === 'string' && jumpHost ? jumpHost : undefined,
      ...(sshPort !== undefined ? { sshPort: sshPort as number } : {}),
    });
  });
  return { entries, problems };
}

/** "user@host", "user@host:port", "host" → its parts; undefined when it is none of these. */
export function parseJumpHost(text: string): { username?: string; host: string; port: number } | undefined {
  const m = /^(?:([A-Za-z0-9._-]+)@)?(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(text.trim());
  if (!m) return undefined;
  const port = m[3] ? Number(m[3]) : 22;
  if (port < 1 || port > 65535) return undefined;
  return { username: m[1], host: m[2].replace(/^\[|\]$/g, ''), port };
}

interface Slot {
  entry: PoolEntry;
  connection: PoolConnection;
  subscriptions: Disposable[];
}

export class PoolRegistry {
  private readonly slots = new Map<string, Slot>();
  private order: string[] = [];
  private readonly changed = new Emitter<RegistryEvent>('PoolRegistry');

  constructor(private readonly deps: PoolRegistryDeps) {}

  onDidChange(listener: (e: RegistryEvent) => void): Disposable {
    return this.changed.event(listener);
  }

  names(): string[] {
    return [...this.order];
  }

  entry(pool: string): PoolEntry | undefined {
    return this.slots.get(pool)?.entry;
  }

  connection(pool: string): PoolConnection | undefined {
    return this.slots.get(pool)?.connection;
  }

  state(pool: string): ConnectionState | undefined {
    return this.slots.get(pool)?.connection.state;
  }

  /**
   * Makes the registry hold exactly these pools: new ones are connected, removed ones disconnected,
   * ones whose url/user/transport changed reconnected; untouched ones keep their connection.
   */
  setEntries(entries: readonly PoolEntry[]): void {
    const wanted = new Map(entries.map((e) => [e.name, e]));
    for (const [name, slot] of this.slots) {
      const next = wanted.get(name);
      if (!next || !sameConnection(slot.entry, next)) this.drop(name);
      else slot.entry = next; // e.g. a new jump host: no reconnect needed
    }
    for (const entry of entries) {
      if (this.slots.has(entry.name)) continue;
      this.add(entry);
    }
    this.order = entries.map((e) => e.name);
    this.emit({ kind: 'pools' });
  }

  /** Connects (again): from failed/disconnected, or to pick up a new password. */
  async reconnect(pool: string): Promise<void> {
    const c = this.slots.get(pool)?.connection;
    if (!c) return;
    if (c.state.kind === 'connected' || c.state.kind === 'connecting') await c.disconnect();
    await c.connect();
  }

  async disconnect(pool: string): Promise<void> {
    await this.slots.get(pool)?.connection.disconnect();
  }

  dispose(): void {
    for (const name of [...this.slots.keys()]) this.drop(name);
    this.changed.dispose();
  }

  private add(entry: PoolEntry): void {
    const connection = new PoolConnection(
      {
        name: entry.name,
        url: entry.url,
        username: entry.username,
        transport: entry.transport,
        password: () => this.deps.password(entry.name, entry.url),
        tls: this.deps.tls,
        onMasterMoved: (address) => this.deps.masterMoved?.(entry.name, address),
      },
      this.deps.tuning,
    );
    const slot: Slot = { entry, connection, subscriptions: [] };
    let modelSubscription: Disposable | undefined;
    slot.subscriptions.push(
      connection.onDidChangeState((state) => {
        modelSubscription?.dispose();
        modelSubscription = undefined;
        if (state.kind === 'connected') {
          modelSubscription = state.model.onDidChange((changes) => this.emit({ kind: 'model', pool: entry.name, changes }));
        }
        this.emit({ kind: 'state', pool: entry.name, state });
      }),
      { dispose: () => modelSubscription?.dispose() },
    );
    this.slots.set(entry.name, slot);
    void connection.connect();
  }

  private drop(name: string): void {
    const slot = this.slots.get(name);
    if (!slot) return;
    this.slots.delete(name);
    for (const s of slot.subscriptions) s.dispose();
    slot.connection.dispose();
  }

  private emit(e: RegistryEvent): void {
    this.changed.fire(e);
  }
}

function sameConnection(a: PoolEntry, b: PoolEntry): boolean {
  return a.url === b.url && a.username === b.username && (a.transport ?? 'auto') === (b.transport ?? 'auto');
}
