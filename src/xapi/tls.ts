// Certificate pinning for XAPI's self-signed certificates.
//
// XAPI hosts present self-signed certificates: there is no CA to give Node, and their names rarely
// match the address an admin types. So the trust decision is the SHA-256 fingerprint of the peer
// certificate, confirmed by the admin on first contact and pinned afterwards (like ssh's known_hosts).
//
// How the pin is enforced, and why `rejectUnauthorized: false` is safe here:
// Node can only verify a chain against CAs; `checkServerIdentity` is not even called when the chain
// check fails, which it always does for a self-signed certificate. So the TLS socket is opened with
// `rejectUnauthorized: false`, and the HTTP agent's `createConnection` (see http.ts) does not hand the
// socket to the HTTP request until `secureConnect` has fired AND the peer certificate's fingerprint
// equals the pin. The request (and with it the session password) is written only to a socket that
// passed that check; a mismatch destroys the socket before a single byte of the request exists on it.
// Nothing is changed process-wide: no NODE_TLS_REJECT_UNAUTHORIZED, no global agent.
//
// First contact: `fetchPeerCertificate` opens a bare TLS connection, reads the certificate and closes
// it without sending anything; the caller asks the admin, pins, and only then connects for real.

import * as tls from 'node:tls';
import { TransportError, classifyNetworkError } from './errors';
import { l10n } from '../text/l10n';

export interface PeerCertificateInfo {
  hostPort: string;
  fingerprint256: string; // "AB:CD:…", as Node writes it
  subject?: string;
  validTo?: string;
}

/** What the client asks when it meets a host: which fingerprint must this host:port present? */
export interface CertificatePolicy {
  /**
   * The pinned fingerprint for `hostPort`; on first contact it fetches the certificate, asks the admin
   * and pins it. Throws `TransportError('tls-untrusted')` when the admin says no.
   */
  pinFor(hostPort: string): Promise<string>;
}

export function normalizeFingerprint(fp: string): string {
  return fp.replace(/[^0-9a-fA-F]/g, '').toUpperCase().replace(/(..)(?=.)/g, '$1:');
}

export function sameFingerprint(a: string, b: string): boolean {
  return normalizeFingerprint(a) === normalizeFingerprint(b);
}

export function certificateChangedError(hostPort: string, url: string, pinned: string, presented: string): TransportError {
  return new TransportError(
    'tls-changed',
    l10n.t(
      'The TLS certificate of {0} has changed: the pinned SHA-256 fingerprint is {1}, the host now presents {2}. XCP Admin refused to connect, as this could be another machine posing as the host. If the certificate was renewed on purpose (reinstall, {3}), compare the new fingerprint with the one on the host\'s console ({4}), then run "{5}" on the pool and connect again to be asked about the new one.',
      hostPort, normalizeFingerprint(pinned), normalizeFingerprint(presented), 'xe host-refresh-server-certificate',
      'openssl x509 -noout -fingerprint -sha256 -in /etc/xensource/xapi-ssl.pem', l10n.t('XCP Admin: Forget Pinned Certificates…'),
    ),
    url,
  );
}

export function untrustedError(hostPort: string, url: string, fingerprint: string): TransportError {
  return new TransportError(
    'tls-untrusted',
    l10n.t('The certificate of {0} (SHA-256 {1}) was not accepted, so XCP Admin did not connect. Connect again and accept it after checking the fingerprint on the host\'s console.', hostPort, normalizeFingerprint(fingerprint)),
    url,
  );
}

/** Reads the peer certificate of host:port without sending anything over the connection. */
export function fetchPeerCertificate(host: string, port: number, timeoutMs = 10_000): Promise<PeerCertificateInfo> {
  const url = `https://${formatHostPort(host, port)}/`;
  return new Promise((resolve, reject) => {
    // Verification is off on purpose: this connection only reads the certificate, to show it to the
    // admin; it writes nothing and is closed at once.
    const socket = tls.connect({ host, port, servername: isIp(host) ? undefined : host, rejectUnauthorized: false });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(classifyNetworkError(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }), url, timeoutMs));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate();
      socket.destroy();
      if (!cert || !cert.fingerprint256) {
        reject(new TransportError('tls', l10n.t('{0} presented no certificate.', formatHostPort(host, port)), url));
        return;
      }
      resolve({
        hostPort: formatHostPort(host, port),
        fingerprint256: cert.fingerprint256,
        subject: cert.subject ? Object.entries(cert.subject).map(([k, v]) => `${k}=${String(v)}`).join(', ') : undefined,
        validTo: cert.valid_to,
      });
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(classifyNetworkError(err, url, timeoutMs));
    });
  });
}

export function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

/** "host:port", with brackets around an IPv6 address. */
export function formatHostPort(host: string, port: number | string): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${h}:${port}`;
}
