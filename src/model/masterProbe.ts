// When the pool master stops answering: ask every known member who its master is. A slave answers a
// login with HOST_IS_SLAVE naming the master it follows; a master answers it by checking the
// credentials. The probe logs in with empty credentials, so no password is sent to a host whose
// certificate was never confirmed, and a master's answer is only ever "authentication failed".
// The verdict decides what the editor does: follow a master that moved, show a dead master (and offer
// H4), or report the pool unreachable. No vscode import.

import { createTransport } from '../xapi/autoTransport';
import { XapiError, describeError } from '../xapi/errors';
import { Endpoint } from '../xapi/http';
import { hostPortOf } from '../xapi/session';
import type { CertificatePolicy } from '../xapi/tls';
import { l10n } from '../text/l10n';

export interface Member {
  name: string;
  address: string;
}

export type MemberAnswer =
  | { kind: 'master' }
  | { kind: 'slave'; follows: string }
  | { kind: 'silent'; reason: string };

export interface MemberProbe extends Member {
  answer: MemberAnswer;
}

export type MasterVerdict =
  /** The master answers: the trouble was elsewhere (a slow or busy master). */
  | { kind: 'master-answers' }
  /** Another member is master now (someone ran H4, or a planned hand-over happened). */
  | { kind: 'master-moved'; address: string }
  /** The master is silent and at least one slave answers: H4's emergency path applies. */
  | { kind: 'master-dead' }
  /** Nobody answers: more likely our own network than the pool. */
  | { kind: 'pool-unreachable' };

export interface MasterProbe {
  at: Date;
  master: Member;
  members: MemberProbe[];
  verdict: MasterVerdict;
}

/** The base URL of a member: the pool URL's scheme and port, the member's address. */
export function memberUrl(poolUrl: string | URL, address: string): URL {
  const url = new URL(typeof poolUrl === 'string' ? poolUrl : poolUrl.href);
  url.hostname = address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
  return url;
}

async function ask(poolUrl: string | URL, address: string, certificates: CertificatePolicy, timeoutMs: number): Promise<MemberAnswer> {
  const url = memberUrl(poolUrl, address);
  let endpoint: Endpoint | undefined;
  try {
    const pin = url.protocol === 'https:' ? await certificates.pinFor(hostPortOf(url)) : undefined;
    endpoint = new Endpoint({ url, pin, connectTimeoutMs: timeoutMs, idleTimeoutMs: timeoutMs });
    const transport = createTransport(endpoint, 'auto');
    await transport('session.login_with_password', ['', '']);
    // Empty credentials accepted: a master without authentication. It is still a master.
    return { kind: 'master' };
  } catch (err) {
    if (err instanceof XapiError) {
      if (err.code === 'HOST_IS_SLAVE' && err.params[0]) return { kind: 'slave', follows: err.params[0] };
      if (err.code === 'SESSION_AUTHENTICATION_FAILED') return { kind: 'master' };
    }
    return { kind: 'silent', reason: describeError(err) };
  } finally {
    endpoint?.destroy();
  }
}

/** Asks every member (the master included) at once; settles in about `timeoutMs`. */
export async function probeMaster(opts: {
  poolUrl: string | URL;
  master: Member;
  members: readonly Member[];
  certificates: CertificatePolicy;
  timeoutMs?: number;
}): Promise<MasterProbe> {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const all = [opts.master, ...opts.members.filter((m) => m.address !== opts.master.address)];
  const answers = await Promise.all(all.map(async (m) => ({ ...m, answer: await ask(opts.poolUrl, m.address, opts.certificates, timeoutMs) })));
  const masterAnswer = answers[0].answer;
  const others = answers.slice(1);
  let verdict: MasterVerdict;
  if (masterAnswer.kind === 'master') verdict = { kind: 'master-answers' };
  else {
    const newMaster = others.find((m) => m.answer.kind === 'master');
    const followed = others.map((m) => (m.answer.kind === 'slave' ? m.answer.follows : undefined)).find((a) => a && a !== opts.master.address);
    if (newMaster) verdict = { kind: 'master-moved', address: newMaster.address };
    else if (followed && others.some((m) => m.address === followed && m.answer.kind !== 'silent')) verdict = { kind: 'master-moved', address: followed };
    else if (others.some((m) => m.answer.kind === 'slave')) verdict = { kind: 'master-dead' };
    else verdict = { kind: 'pool-unreachable' };
  }
  return { at: new Date(), master: opts.master, members: answers, verdict };
}

/** One line per member for the plan's facts and the pool's tooltip. */
export function describeProbe(probe: MasterProbe): string[] {
  return probe.members.map((m) => {
    const a = m.answer;
    const at = probe.at.toISOString();
    if (a.kind === 'master') return l10n.t('{0} ({1}) answers as a master, asked {2}.', m.name, m.address, at);
    if (a.kind === 'slave') return l10n.t('{0} ({1}) answers as a slave of {2}, asked {3}.', m.name, m.address, a.follows, at);
    return l10n.t('{0} ({1}) does not answer ({2}), asked {3}.', m.name, m.address, a.reason, at);
  });
}
