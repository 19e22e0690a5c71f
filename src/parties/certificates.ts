/**
 * Client certificates: how a party proves who it is at the transport layer, as parties in the ISD
 * chain do with PKIoverheid certificates. The certificate reaches us either from our own TLS listener
 * (the socket's peer certificate) or from a TLS-terminating proxy we trust, in a request header
 * (the URL-encoded PEM, as nginx's `$ssl_client_escaped_cert` or Apache's `SSL_CLIENT_CERT` give it).
 *
 * A certificate is only an identity when it chains to a configured CA, is inside its validity period
 * and is not on a configured revocation list; the party is then found by its SHA-256 fingerprint or by
 * its OIN (PKIoverheid puts the OIN in the subject's serialNumber attribute, OID 2.5.4.5).
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { X509Certificate as PeculiarX509, X509Crl } from '@peculiar/x509';
import { normaliseFingerprint } from './api-keys.js';

export interface ClientCertificate {
  /** SHA-256 over the DER, upper-case hex without colons. */
  fingerprint: string;
  /** The OIN (20 digits) from the subject serialNumber, when the certificate carries one. */
  oin?: string;
  subject: string;
  /** Serial number, upper-case hex. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
}

export type CertificateCheck =
  | { ok: true; certificate: ClientCertificate }
  | { ok: false; reason: 'certificate-expired' | 'certificate-not-yet-valid' | 'certificate-untrusted' | 'certificate-revoked' | 'certificate-unreadable'; certificate?: ClientCertificate };

/** How the gateway learns and checks client certificates (from the environment, see docs). */
export interface ClientCertificatePolicy {
  /** CAs that issue accepted client certificates (PEM, several allowed). */
  trustedCas: X509Certificate[];
  /** Serial numbers (upper-case hex) revoked by a configured CRL. */
  revokedSerials: ReadonlySet<string>;
  /** The header a trusted TLS-terminating proxy puts the client certificate in; absent: header never read. */
  proxyHeader?: string;
  /** Remote addresses allowed to set that header (default: loopback only). */
  trustedProxies: ReadonlySet<string>;
}

const OIN_RE = /^\d{20}$/;

export function describeCertificate(x: X509Certificate): ClientCertificate {
  const serial = subjectSerialNumber(x.subject);
  return {
    fingerprint: normaliseFingerprint(x.fingerprint256),
    ...(serial && OIN_RE.test(serial) ? { oin: serial } : {}),
    subject: x.subject.replace(/\n/g, ', '),
    serialNumber: x.serialNumber.toUpperCase().replace(/^0+(?=.)/, ''),
    notBefore: new Date(x.validFrom),
    notAfter: new Date(x.validTo),
  };
}

/** The subject's serialNumber attribute (node prints the subject one attribute a line). */
function subjectSerialNumber(subject: string): string | undefined {
  for (const line of subject.split('\n')) {
    const m = /^serialNumber=(.*)$/i.exec(line.trim());
    if (m) return m[1]!.trim();
  }
  return undefined;
}

/** Checks a certificate against the policy: chain to a trusted CA, validity period, revocation. */
export function checkCertificate(x: X509Certificate, policy: ClientCertificatePolicy, now = new Date()): CertificateCheck {
  const certificate = describeCertificate(x);
  const issuer = policy.trustedCas.find((ca) => x.checkIssued(ca) && safeVerify(x, ca));
  if (!issuer) return { ok: false, reason: 'certificate-untrusted', certificate };
  if (now < certificate.notBefore) return { ok: false, reason: 'certificate-not-yet-valid', certificate };
  if (now > certificate.notAfter) return { ok: false, reason: 'certificate-expired', certificate };
  if (policy.revokedSerials.has(certificate.serialNumber)) return { ok: false, reason: 'certificate-revoked', certificate };
  return { ok: true, certificate };
}

function safeVerify(x: X509Certificate, ca: X509Certificate): boolean {
  try {
    return x.verify(ca.publicKey);
  } catch {
    return false;
  }
}

/**
 * The client certificate of a request, checked; undefined when none was presented. From our own TLS
 * listener first; from the proxy header only when configured and the request comes from a trusted proxy
 * (anyone else setting that header is ignored, so it cannot be forged from outside).
 */
export function requestCertificate(req: IncomingMessage, policy: ClientCertificatePolicy | undefined): CertificateCheck | undefined {
  if (!policy) return undefined;
  const socket = req.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate === 'function') {
    const peer = socket.getPeerCertificate();
    if (peer && peer.raw) {
      try {
        return checkCertificate(new X509Certificate(peer.raw), policy);
      } catch {
        return { ok: false, reason: 'certificate-unreadable' };
      }
    }
  }
  if (!policy.proxyHeader) return undefined;
  const value = req.headers[policy.proxyHeader.toLowerCase()];
  if (typeof value !== 'string' || value === '') return undefined;
  if (!policy.trustedProxies.has(normaliseAddress(req.socket.remoteAddress))) return undefined;
  try {
    return checkCertificate(new X509Certificate(pemFromHeader(value)), policy);
  } catch {
    return { ok: false, reason: 'certificate-unreadable' };
  }
}

/** nginx URL-encodes the PEM; some proxies send it with spaces instead of newlines, or as bare base64. */
export function pemFromHeader(value: string): string {
  if (value.length > 16 * 1024) throw new Error('certificate header too long');
  let text = value.includes('%') ? decodeURIComponent(value) : value;
  if (!text.includes('-----BEGIN')) text = `-----BEGIN CERTIFICATE-----\n${text.replace(/\s+/g, '')}\n-----END CERTIFICATE-----`;
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(text);
  if (!m) throw new Error('no certificate in header');
  return `-----BEGIN CERTIFICATE-----\n${m[1]!.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
}

function normaliseAddress(a: string | undefined): string {
  if (!a) return '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/** Every certificate in a PEM bundle. */
export function readPemBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}

/** Serial numbers (upper-case hex) in a PEM or DER CRL. The CRL's signature must be by a trusted CA. */
export async function revokedSerialsFromCrl(crlBytes: Buffer, trustedCas: X509Certificate[]): Promise<Set<string>> {
  const text = crlBytes.toString('latin1');
  const crl = text.includes('-----BEGIN X509 CRL-----') ? new X509Crl(text) : new X509Crl(new Uint8Array(crlBytes));
  // A CRL anyone could have written would let an attacker un-revoke nothing but revoke anyone: still, only a CA's own list counts.
  let signed = false;
  for (const ca of trustedCas) {
    if (await crl.verify({ publicKey: new PeculiarX509(ca.raw).publicKey }).catch(() => false)) signed = true;
  }
  if (!signed) throw new Error('the CRL is not signed by a trusted client CA');
  return new Set(crl.entries.map((e) => e.serialNumber.toUpperCase().replace(/^0+(?=.)/, '')));
}

export async function loadCertificatePolicy(opts: { caFile?: string; crlFile?: string; proxyHeader?: string; trustedProxies?: string[] }): Promise<ClientCertificatePolicy | undefined> {
  if (!opts.caFile) {
    if (opts.proxyHeader) throw new Error('KNOOPPUNT_CLIENT_CERT_HEADER needs KNOOPPUNT_TLS_CLIENT_CA: a certificate is only an identity when it chains to a trusted CA');
    return undefined;
  }
  const trustedCas = readPemBundle(readFileSync(opts.caFile, 'utf8'));
  if (trustedCas.length === 0) throw new Error(`${opts.caFile}: no certificate in the client CA file`);
  const revokedSerials = opts.crlFile ? await revokedSerialsFromCrl(readFileSync(opts.crlFile), trustedCas) : new Set<string>();
  return {
    trustedCas,
    revokedSerials,
    ...(opts.proxyHeader ? { proxyHeader: opts.proxyHeader } : {}),
    trustedProxies: new Set(opts.trustedProxies && opts.trustedProxies.length > 0 ? opts.trustedProxies : ['127.0.0.1', '::1']),
  };
}
