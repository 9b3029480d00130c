// `npm run health -- --url URL --user USER [--json] [--min-severity warning] [--fingerprint SHA256:…]`:
// a pool's findings for cron and monitoring systems, without the editor. The password comes from
// XCP_ADMIN_PASSWORD (never an argument: it would show in `ps`); https needs the certificate's pin
// (no first-contact question without a person at the keyboard); http only for loopback (the simulator).
// Exit status: 0 nothing reaches the minimum severity, 1 something does, 2 the pool cannot be read.
// Names and bodies from XAPI are cleaned before they reach the terminal (src/text); the JSON lines are
// JSON (every control character escaped). No vscode import.

import { PoolConnection, normalizePoolUrl, type TlsTrust } from '../model/poolConnection';
import { SEVERITY_RANK, isSeverity, type Finding, type Severity } from '../health/finding';
import { evaluateAll } from '../health/monitor';
import { cleanLine } from '../text/terminal';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_UNREADABLE = 2;

const USAGE = `usage: npm run health -- --url URL --user USER [--json] [--min-severity error|warning|info] [--fingerprint SHA256:…]
  The password is read from the environment variable XCP_ADMIN_PASSWORD.
  https URLs need --fingerprint: the SHA-256 of the pool master's certificate
  (xe host-param-get or "openssl x509 -fingerprint -sha256" on the master), hex or base64.
  Exit status: 0 nothing at or above the minimum severity (default warning), 1 something, 2 the pool could not be read.`;

export interface HealthArgs {
  url: string;
  user: string;
  json: boolean;
  minSeverity: Severity;
  fingerprint?: string;
}

class UsageError extends Error {}

/** "SHA256:AB:CD:…", "abcd…" (64 hex digits) or OpenSSH-style base64 → Node's "AB:CD:…". */
export function parseFingerprint(text: string): string {
  const body = text.trim().replace(/^sha-?256:/i, '');
  const hex = body.replace(/:/g, '');
  if (/^[0-9a-f]{64}$/i.test(hex)) return hex.toUpperCase().replace(/(..)(?=.)/g, '$1:');
  const bytes = /^[A-Za-z0-9+/]{43}=?$/.test(body) ? Buffer.from(body, 'base64') : undefined;
  if (bytes?.length === 32) return bytes.toString('hex').toUpperCase().replace(/(..)(?=.)/g, '$1:');
  throw new UsageError(`--fingerprint: "${cleanLine(text)}" is not a SHA-256 fingerprint (64 hex digits, or base64).`);
}

export function parseArgs(argv: readonly string[]): HealthArgs {
  const out: Partial<HealthArgs> = { json: false, minSeverity: 'warning' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value.`);
      return v;
    };
    switch (a) {
      case '--url': out.url = value(); break;
      case '--user': out.user = value(); break;
      case '--json': out.json = true; break;
      case '--fingerprint': out.fingerprint = parseFingerprint(value()); break;
      case '--min-severity': {
        const v = value();
        if (!isSeverity(v)) throw new UsageError(`--min-severity must be error, warning or info, not "${cleanLine(v)}".`);
        out.minSeverity = v;
        break;
      }
      case '--password':
        throw new UsageError('The password is never an argument (it would show in the process list): set XCP_ADMIN_PASSWORD.');
      default:
        throw new UsageError(`Unknown argument "${cleanLine(a)}".`);
    }
  }
  if (!out.url) throw new UsageError('--url is required.');
  if (!out.user) throw new UsageError('--user is required.');
  return out as HealthArgs;
}

/** The certificate the admin named on the command line, for every host of the pool; nothing is asked. */
function pinnedTrust(fingerprint: string | undefined): TlsTrust {
  return {
    pinned: () => fingerprint,
    confirm: async () => false,
    pin: async () => undefined,
  };
}

function line(f: Finding, pool: string): string {
  const sev = f.severity.toUpperCase().padEnd(7);
  const obj = `${f.object.kind} ${cleanLine(f.object.name || '(no name)')}`;
  const fix = f.fix ? `\n        fix: ${cleanLine(f.fix.procedure)}${f.fix.command ? ` (XCP Admin: ${f.fix.command})` : ''}${f.fix.xe ? `\n        on the master: ${cleanLine(f.fix.xe)}` : ''}` : '';
  return `${sev} ${cleanLine(pool)} · ${obj} [${f.object.uuid}]\n        ${cleanLine(f.summary)}${fix}`;
}

/** DEL, C1 and the bidi / invisible characters, which JSON.stringify leaves raw, as \\u escapes (still the same JSON). */
const RAW_IN_JSON = /[\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

function jsonLine(f: Finding, pool: string): string {
  return JSON.stringify({
    pool, check: f.check, severity: f.severity, object: { kind: f.object.kind, name: f.object.name, uuid: f.object.uuid },
    summary: f.summary, fix: f.fix ? { procedure: f.fix.procedure, command: f.fix.command ?? null, xe: f.fix.xe ?? null } : null,
    evidence: f.evidence, ...(f.message ? { message: { name: f.message.name, timestamp: f.message.timestamp.toISOString() } } : {}),
  }).replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface HealthRun {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Tests shorten the waits; the defaults suit a cron job. */
  connectTimeoutMs?: number;
}

/** Runs the command; returns the exit status. */
export async function runHealth(run: HealthRun): Promise<number> {
  let args: HealthArgs;
  try {
    args = parseArgs(run.argv);
  } catch (err) {
    run.err(`${(err as Error).message}\n${USAGE}\n`);
    return EXIT_UNREADABLE;
  }
  let url: URL;
  try {
    url = normalizePoolUrl(args.url);
  } catch (err) {
    run.err(`${cleanLine((err as Error).message)}\n`);
    return EXIT_UNREADABLE;
  }
  if (url.protocol === 'https:' && !args.fingerprint) {
    run.err(`${url.host} is reached over https, and nobody is there to confirm its certificate: give its SHA-256 with --fingerprint SHA256:… (read it on the master's console: openssl x509 -in /etc/xensource/xapi-ssl.pem -noout -fingerprint -sha256).\n`);
    return EXIT_UNREADABLE;
  }
  const password = run.env.XCP_ADMIN_PASSWORD;
  if (password === undefined || password === '') {
    run.err('Set the pool password in the environment variable XCP_ADMIN_PASSWORD.\n');
    return EXIT_UNREADABLE;
  }
  const conn = new PoolConnection(
    { name: url.host, url: url.href, username: args.user, password: async () => password, tls: pinnedTrust(args.fingerprint) },
    { connectTimeoutMs: run.connectTimeoutMs ?? 10_000, eventTimeoutSeconds: 1 },
  );
  try {
    await conn.connect();
    const state = conn.state;
    if (state.kind !== 'connected') {
      run.err(`The pool at ${cleanLine(url.host)} could not be read: ${cleanLine(state.kind === 'failed' ? state.message : state.kind)}\n`);
      return EXIT_UNREADABLE;
    }
    const model = state.model;
    const poolName = model.all('pool')[0]?.record.name_label || url.host;
    const min = SEVERITY_RANK[args.minSeverity];
    const findings = evaluateAll(model)
      .filter((f) => SEVERITY_RANK[f.severity] >= min)
      .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
    for (const f of findings) run.out((args.json ? jsonLine(f, poolName) : line(f, poolName)) + '\n');
    if (!args.json && findings.length === 0) run.out(`${cleanLine(poolName)}: nothing at or above ${args.minSeverity}.\n`);
    return findings.length > 0 ? EXIT_FINDINGS : EXIT_OK;
  } finally {
    await conn.disconnect();
  }
}

if (require.main === module) {
  void runHealth({
    argv: process.argv.slice(2),
    env: process.env,
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  }).then(
    (code) => { process.exitCode = code; },
    (err) => { process.stderr.write(`health: ${cleanLine(err instanceof Error ? err.message : String(err))}\n`); process.exitCode = EXIT_UNREADABLE; },
  );
}
