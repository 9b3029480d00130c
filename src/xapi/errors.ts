// Errors of the XAPI client, each with what an admin needs to act on it.
//
// Two families:
// - XapiError: XAPI answered, and the answer is a failure (`ErrorDescription` = [code, ...params]).
// - TransportError: no XAPI answer at all (DNS, refused, timeout, TLS, an HTTP server that is not
//   XAPI, a body that does not parse). `kind` classifies it; the message names the server.
// The sentences go through l10n (the admin's language); codes, params and method names stay as XAPI says them.

import { l10n } from '../text/l10n';

/** XAPI's failure answer: the error code and its parameters, and the method that failed. */
export class XapiError extends Error {
  override readonly name = 'XapiError';
  constructor(
    readonly code: string,
    readonly params: readonly string[],
    readonly method: string,
  ) {
    super(`${code}(${params.map((p) => JSON.stringify(p)).join(', ')}) from ${method}`);
  }
}

export type TransportFailure =
  | 'dns' // the name does not resolve
  | 'refused' // nothing listens on that port
  | 'timeout' // no answer in time (connect or response)
  | 'unreachable' // no route to the host / network down
  | 'reset' // the connection broke mid-request
  | 'tls' // TLS handshake failed (protocol, not trust)
  | 'tls-untrusted' // first contact: the admin did not accept the certificate
  | 'tls-changed' // the certificate differs from the pinned one
  | 'not-xapi' // an answer came, but not XAPI's (HTML page, bad XML/JSON, HTTP error)
  | 'aborted' // we cancelled it (stop, dispose)
  | 'other';

/** A call that got no XAPI answer. `url` is the server asked; `cause` the low-level error, if any. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly kind: TransportFailure,
    message: string,
    readonly url: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
  /**
   * Set by the HTTP layer when the whole request had been written before the connection failed: the
   * server may have received it and acted on it (see OutcomeUnknownError).
   */
  requestSent = false;
}

/**
 * A write call whose answer was lost: the request reached the connection, then the connection broke
 * (reset, idle timeout, hang-up) before XAPI answered. The call may or may not have run; only reading
 * the object back tells. Never "nothing was changed". Connection failures before anything was sent
 * (refused, DNS, TLS, connect timeout) stay TransportErrors: there, nothing reached the server.
 */
export class OutcomeUnknownError extends Error {
  override readonly name = 'OutcomeUnknownError';
  constructor(
    readonly method: string,
    /** The call's arguments after the session, so a caller can read back the object it acted on. */
    readonly args: readonly unknown[],
    override readonly cause: unknown,
    /** Set when the call ran as a task and the task was lost track of (destroyed, xapi restarted). */
    readonly taskRef?: string,
  ) {
    super(
      l10n.t('The outcome of {0} is unknown: {1} The call may or may not have run on the pool; read the object\'s state back before doing anything else.', method, cause instanceof Error ? cause.message : String(cause)),
    );
  }
}

/** True when `err` says the connection was lost after a request had been sent (the call may have run). */
export function lostAfterSend(err: unknown): boolean {
  return err instanceof TransportError && err.requestSent && err.kind !== 'aborted';
}

/** The transport tried cannot speak to that server (JSON-RPC on an XCP 1.x host); `auto` falls back. */
export class UnsupportedTransportError extends Error {
  override readonly name = 'UnsupportedTransportError';
}

/** Node's error codes → our classification. */
export function classifyNetworkError(err: unknown, url: string, timeoutMs?: number): TransportError {
  if (err instanceof TransportError) return err;
  const e = err as NodeJS.ErrnoException & { reason?: string };
  const code = e?.code ?? '';
  const host = hostOf(url);
  if (e?.name === 'AbortError' || code === 'ABORT_ERR') {
    return new TransportError('aborted', l10n.t('The request to {0} was cancelled.', url), url, err);
  }
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new TransportError('dns', l10n.t('The name {0} does not resolve (DNS: {1}). Check the address of the pool master.', hostnameOf(url), code), url, err);
    case 'ECONNREFUSED':
      return new TransportError('refused', l10n.t('{0} refused the connection to {1}: nothing listens there. Check the address and port, and that xapi runs on the host ({2}).', host, url, '`service xapi status`'), url, err);
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
      return new TransportError('timeout', timeoutMs
        ? l10n.t('{0} did not answer within {1} s ({2}). The host may be down or a firewall drops the traffic.', host, Math.round(timeoutMs / 1000), url)
        : l10n.t('{0} did not answer ({1}). The host may be down or a firewall drops the traffic.', host, url), url, err);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return new TransportError('unreachable', l10n.t('{0} is unreachable ({1}): no route to it from this machine.', host, code), url, err);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return new TransportError('reset', l10n.t('The connection to {0} was cut ({1}) before XAPI answered.', url, code), url, err);
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_VERSION':
    case 'HPE_INVALID_STATUS':
    case 'HPE_INVALID_HEADER_TOKEN':
      return new TransportError('not-xapi', l10n.t('The server at {0} did not answer like XAPI: it does not speak HTTP ({1}).', url, code), url, err);
  }
  if (code.startsWith('ERR_SSL') || code === 'EPROTO' || code.startsWith('ERR_TLS')) {
    return new TransportError('tls', l10n.t('The TLS handshake with {0} failed ({1}). Is it an https port of a XAPI host?', host, e.reason ?? e.message), url, err);
  }
  const msg = e instanceof Error ? e.message : String(err);
  if (/socket hang up/i.test(msg)) {
    return new TransportError('reset', l10n.t('The connection to {0} closed before XAPI answered.', url), url, err);
  }
  return new TransportError('other', l10n.t('The request to {0} failed: {1}', url, msg), url, err);
}

export function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** A sentence an admin can act on, for any error the client throws. */
export function describeError(err: unknown): string {
  if (err instanceof XapiError) return describeXapiError(err);
  if (err instanceof OutcomeUnknownError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

const p = (params: readonly string[], i: number): string => params[i] ?? '?';

/**
 * What XAPI's error means and what to do about it, always ending with the code and its parameters
 * (so an admin can search for them or quote them to support).
 */
export function describeXapiError(err: XapiError): string {
  const { code, params } = err;
  const raw = `[${[code, ...params].join(', ')}]`;
  const say = (s: string) => l10n.t('{0} (XAPI {1} from {2})', s, raw, err.method);
  switch (code) {
    case 'SESSION_AUTHENTICATION_FAILED':
      return say(params[1]
        ? l10n.t('XAPI refused the user name or password for {0}: {1}. Check the credentials (the pool\'s root password, or an AD/RBAC user).', JSON.stringify(p(params, 0)), params[1])
        : l10n.t('XAPI refused the user name or password for {0}. Check the credentials (the pool\'s root password, or an AD/RBAC user).', JSON.stringify(p(params, 0))));
    case 'HOST_IS_SLAVE':
      return say(l10n.t('This host is a pool member, not the master; the master is {0}. Connect to the master\'s address.', p(params, 0)));
    case 'SESSION_INVALID':
      return say(l10n.t('The XAPI session has expired or was logged out (xapi restarted, or the master changed). Log in again.'));
    case 'HANDLE_INVALID':
      return say(l10n.t('The {0} object {1} no longer exists: it was removed meanwhile. Refresh and try again.', p(params, 0), p(params, 1)));
    case 'UUID_INVALID':
      return say(l10n.t('There is no {0} with uuid {1} in this pool. Check the uuid.', p(params, 0), p(params, 1)));
    case 'MESSAGE_METHOD_UNKNOWN':
      return say(l10n.t('This XAPI version does not know the call {0}; the host is older than this action needs.', p(params, 0)));
    case 'MESSAGE_PARAMETER_COUNT_MISMATCH':
      return say(l10n.t('This XAPI version expects {0} parameters for {1}, not {2}; the host runs an older API.', p(params, 1), p(params, 0), p(params, 2)));
    case 'HOST_OFFLINE':
      return say(l10n.t('The host {0} is offline: xapi on it does not answer the master. Check the host\'s console and network, or forget it if it is gone for good.', p(params, 0)));
    case 'HOST_NOT_LIVE':
      return say(l10n.t('The host is not live (its heartbeat stopped). Power it on or check its management network first.'));
    case 'HOST_IS_LIVE':
      return say(l10n.t('The host is still live: XAPI will not forget or declare dead a host that answers. Shut it down first.'));
    case 'HOST_HAS_RESIDENT_VMS':
      return say(l10n.t('The host {0} still runs VMs. Migrate or shut them down first (evacuate the host).', p(params, 0)));
    case 'HOST_CANNOT_DESTROY_SELF':
      return say(l10n.t('A host cannot forget itself: run this against another pool member, or designate a new master first.'));
    case 'HA_IS_ENABLED':
      return say(l10n.t('High availability is enabled on this pool, and it forbids this operation. Disable HA first (xe pool-ha-disable), then enable it again afterwards.'));
    case 'VM_BAD_POWER_STATE':
      return say(l10n.t('The VM {0} is {1}; this needs it {2}. Change its power state first.', p(params, 0), p(params, 2) || l10n.t('in the wrong power state'), p(params, 1)));
    case 'VDI_IN_USE':
      return say(params[1]
        ? l10n.t('The virtual disk {0} is in use ({1}): a VM or dom0 has it attached. Detach it (unplug its VBD) or shut down the VM first.', p(params, 0), params[1])
        : l10n.t('The virtual disk {0} is in use: a VM or dom0 has it attached. Detach it (unplug its VBD) or shut down the VM first.', p(params, 0)));
    case 'SR_HAS_PBD':
      return say(l10n.t('The storage repository {0} is still plugged on hosts (it has PBDs). Unplug and destroy its PBDs first.', p(params, 0)));
    case 'SR_NOT_EMPTY':
      return say(l10n.t('The storage repository still holds virtual disks. Remove or move them first.'));
    case 'SR_NOT_ATTACHED':
      return say(l10n.t('The storage repository {0} is not plugged on any host. Plug its PBDs first (xe pbd-plug), the master\'s first.', p(params, 0)));
    case 'DEVICE_ALREADY_EXISTS':
      return say(l10n.t('The VM already has a disk in slot {0}. Pick a free device number, or remove the slot that is there.', p(params, 0)));
    case 'PBD_EXISTS':
      return say(l10n.t('A PBD for this SR already exists on that host.'));
    case 'OPERATION_NOT_ALLOWED':
      return say(params[0] ? l10n.t('XAPI does not allow this operation now: {0}.', params[0]) : l10n.t('XAPI does not allow this operation now.'));
    case 'OTHER_OPERATION_IN_PROGRESS':
      return say(l10n.t('Another operation is running on {0} {1}. Wait for it to finish (see the pool\'s tasks), then try again.', p(params, 0), p(params, 1)));
    case 'EVENTS_LOST':
      return say(l10n.t('XAPI dropped events for this client (too many changes at once); a full reload of the pool follows.'));
    case 'TASK_CANCELLED':
      return say(l10n.t('The task was cancelled before it finished.'));
    case 'EVENT_FROM_TOKEN_PARSE_FAILURE':
      return say(l10n.t('XAPI did not accept the event token (xapi restarted?); a full reload of the pool follows.'));
  }
  if (code.startsWith('SR_BACKEND_FAILURE')) {
    // Storage manager failures: params are [status, stdout, stderr]; the message is in the middle one.
    const message = (params[1] || params[2] || params[0] || '').trim();
    return say(message
      ? l10n.t('The storage backend failed: {0}. Look at /var/log/SMlog on the host for details.', message)
      : l10n.t('The storage backend failed. Look at /var/log/SMlog on the host for details.'));
  }
  return say(l10n.t('XAPI refused the call {0} with {1}.', err.method, code));
}

/**
 * A short, safe description of a value that is not what XAPI should have sent (never recursive: an
 * answer nested 100,000 deep must not overflow the stack while being described).
 */
export function describeUnexpected(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (Array.isArray(v)) return v.length === 1 ? l10n.t('an array of 1 item') : l10n.t('an array of {0} items', v.length);
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    return keys.length ? l10n.t('a struct with {0}', `${keys.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 30))).join(', ')}${keys.length > 5 ? ', …' : ''}`) : l10n.t('an empty struct');
  }
  return String(v);
}

/** The password getter gave nothing (none stored): the admin must enter it. */
export class MissingPasswordError extends Error {
  override readonly name = 'MissingPasswordError';
}
