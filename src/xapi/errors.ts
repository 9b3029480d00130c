// Errors of the XAPI client, each with what an admin needs to act on it.
//
// Two families:
// - XapiError: XAPI answered, and the answer is a failure (`ErrorDescription` = [code, ...params]).
// - TransportError: no XAPI answer at all (DNS, refused, timeout, TLS, an HTTP server that is not
//   XAPI, a body that does not parse). `kind` classifies it; the message names the server.

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
      `The outcome of ${method} is unknown: ${cause instanceof Error ? cause.message : String(cause)} ` +
        `The call may or may not have run on the pool; read the object's state back before doing anything else.`,
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
    return new TransportError('aborted', `The request to ${url} was cancelled.`, url, err);
  }
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new TransportError('dns', `The name ${hostnameOf(url)} does not resolve (DNS: ${code}). Check the address of the pool master.`, url, err);
    case 'ECONNREFUSED':
      return new TransportError('refused', `${host} refused the connection to ${url}: nothing listens there. Check the address and port, and that xapi runs on the host (\`service xapi status\`).`, url, err);
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
      return new TransportError('timeout', `${host} did not answer ${timeoutMs ? `within ${Math.round(timeoutMs / 1000)} s ` : ''}(${url}). The host may be down or a firewall drops the traffic.`, url, err);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return new TransportError('unreachable', `${host} is unreachable (${code}): no route to it from this machine.`, url, err);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return new TransportError('reset', `The connection to ${url} was cut (${code}) before XAPI answered.`, url, err);
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_VERSION':
    case 'HPE_INVALID_STATUS':
    case 'HPE_INVALID_HEADER_TOKEN':
      return new TransportError('not-xapi', `The server at ${url} did not answer like XAPI: it does not speak HTTP (${code}).`, url, err);
  }
  if (code.startsWith('ERR_SSL') || code === 'EPROTO' || code.startsWith('ERR_TLS')) {
    return new TransportError('tls', `The TLS handshake with ${host} failed (${e.reason ?? e.message}). Is it an https port of a XAPI host?`, url, err);
  }
  const msg = e instanceof Error ? e.message : String(err);
  if (/socket hang up/i.test(msg)) {
    return new TransportError('reset', `The connection to ${url} closed before XAPI answered.`, url, err);
  }
  return new TransportError('other', `The request to ${url} failed: ${msg}`, url, err);
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
  const say = (s: string) => `${s} (XAPI ${raw} from ${err.method})`;
  switch (code) {
    case 'SESSION_AUTHENTICATION_FAILED':
      return say(`XAPI refused the user name or password for ${JSON.stringify(p(params, 0))}${params[1] ? `: ${params[1]}` : ''}. Check the credentials (the pool's root password, or an AD/RBAC user).`);
    case 'HOST_IS_SLAVE':
      return say(`This host is a pool member, not the master; the master is ${p(params, 0)}. Connect to the master's address.`);
    case 'SESSION_INVALID':
      return say('The XAPI session has expired or was logged out (xapi restarted, or the master changed). Log in again.');
    case 'HANDLE_INVALID':
      return say(`The ${p(params, 0)} object ${p(params, 1)} no longer exists: it was removed meanwhile. Refresh and try again.`);
    case 'UUID_INVALID':
      return say(`There is no ${p(params, 0)} with uuid ${p(params, 1)} in this pool. Check the uuid.`);
    case 'MESSAGE_METHOD_UNKNOWN':
      return say(`This XAPI version does not know the call ${p(params, 0)}; the host is older than this action needs.`);
    case 'MESSAGE_PARAMETER_COUNT_MISMATCH':
      return say(`This XAPI version expects ${p(params, 1)} parameters for ${p(params, 0)}, not ${p(params, 2)}; the host runs an older API.`);
    case 'HOST_OFFLINE':
      return say(`The host ${p(params, 0)} is offline: xapi on it does not answer the master. Check the host's console and network, or forget it if it is gone for good.`);
    case 'HOST_NOT_LIVE':
      return say('The host is not live (its heartbeat stopped). Power it on or check its management network first.');
    case 'HOST_IS_LIVE':
      return say('The host is still live: XAPI will not forget or declare dead a host that answers. Shut it down first.');
    case 'HOST_HAS_RESIDENT_VMS':
      return say(`The host ${p(params, 0)} still runs VMs. Migrate or shut them down first (evacuate the host).`);
    case 'HOST_CANNOT_DESTROY_SELF':
      return say('A host cannot forget itself: run this against another pool member, or designate a new master first.');
    case 'HA_IS_ENABLED':
      return say('High availability is enabled on this pool, and it forbids this operation. Disable HA first (xe pool-ha-disable), then enable it again afterwards.');
    case 'VM_BAD_POWER_STATE':
      return say(`The VM ${p(params, 0)} is ${p(params, 2) || 'in the wrong power state'}; this needs it ${p(params, 1)}. Change its power state first.`);
    case 'VDI_IN_USE':
      return say(`The virtual disk ${p(params, 0)} is in use${params[1] ? ` (${params[1]})` : ''}: a VM or dom0 has it attached. Detach it (unplug its VBD) or shut down the VM first.`);
    case 'SR_HAS_PBD':
      return say(`The storage repository ${p(params, 0)} is still plugged on hosts (it has PBDs). Unplug and destroy its PBDs first.`);
    case 'SR_NOT_EMPTY':
      return say('The storage repository still holds virtual disks. Remove or move them first.');
    case 'SR_NOT_ATTACHED':
      return say(`The storage repository ${p(params, 0)} is not plugged on any host. Plug its PBDs first (xe pbd-plug), the master's first.`);
    case 'DEVICE_ALREADY_EXISTS':
      return say(`The VM already has a disk in slot ${p(params, 0)}. Pick a free device number, or remove the slot that is there.`);
    case 'PBD_EXISTS':
      return say('A PBD for this SR already exists on that host.');
    case 'OPERATION_NOT_ALLOWED':
      return say(`XAPI does not allow this operation now${params[0] ? `: ${params[0]}` : ''}.`);
    case 'OTHER_OPERATION_IN_PROGRESS':
      return say(`Another operation is running on ${p(params, 0)} ${p(params, 1)}. Wait for it to finish (see the pool's tasks), then try again.`);
    case 'EVENTS_LOST':
      return say('XAPI dropped events for this client (too many changes at once); a full reload of the pool follows.');
    case 'TASK_CANCELLED':
      return say('The task was cancelled before it finished.');
    case 'EVENT_FROM_TOKEN_PARSE_FAILURE':
      return say('XAPI did not accept the event token (xapi restarted?); a full reload of the pool follows.');
  }
  if (code.startsWith('SR_BACKEND_FAILURE')) {
    // Storage manager failures: params are [status, stdout, stderr]; the message is in the middle one.
    const message = (params[1] || params[2] || params[0] || '').trim();
    return say(`The storage backend failed${message ? `: ${message}` : ''}. Look at /var/log/SMlog on the host for details.`);
  }
  return say(`XAPI refused the call ${err.method} with ${code}.`);
}

/**
 * A short, safe description of a value that is not what XAPI should have sent (never recursive: an
 * answer nested 100,000 deep must not overflow the stack while being described).
 */
export function describeUnexpected(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (Array.isArray(v)) return `an array of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    return keys.length ? `a struct with ${keys.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 30))).join(', ')}${keys.length > 5 ? ', …' : ''}` : 'an empty struct';
  }
  return String(v);
}

/** The password getter gave nothing (none stored): the admin must enter it. */
export class MissingPasswordError extends Error {
  override readonly name = 'MissingPasswordError';
}
