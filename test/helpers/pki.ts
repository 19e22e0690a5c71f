/**
 * A throw-away PKI made in the test (WebCrypto through @peculiar/x509, no files from outside): a test
 * CA standing in for PKIoverheid, a server certificate for 127.0.0.1, client certificates (valid with
 * an OIN in the subject serialNumber as PKIoverheid puts it, expired, from an unknown CA, revoked) and
 * the CA's CRL. Everything is written as PEM into a temporary directory.
 */
import { webcrypto } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface IssuedCertificate {
  certFile: string;
  keyFile: string;
  certPem: string;
  keyPem: string;
  serialNumber: string;
  fingerprint: string;
}

export interface TestPki {
  dir: string;
  caFile: string;
  caPem: string;
  crlFile: string;
  server: IssuedCertificate;
  issue(name: string, opts?: { oin?: string; notBefore?: Date; notAfter?: Date; ca?: 'trusted' | 'unknown' }): Promise<IssuedCertificate>;
  /** Rewrites the CRL with these serial numbers revoked. */
  revoke(...serials: string[]): Promise<void>;
}

async function pkcs8Pem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

let serialCounter = 0x1000;
function nextSerial(): string {
  serialCounter += 1;
  return serialCounter.toString(16).toUpperCase();
}

export async function createTestPki(): Promise<TestPki> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const dir = mkdtempSync(join(tmpdir(), 'knooppunt-pki-'));
  const makeCa = async (name: string) => {
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: nextSerial(),
      name: `CN=${name}, O=Test, C=NL`,
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 365 * DAY),
      keys,
      signingAlgorithm: ALG,
      extensions: [new x509.BasicConstraintsExtension(true, 1, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
    });
    return { keys, cert, name: `CN=${name}, O=Test, C=NL` };
  };
  const trusted = await makeCa('Test PKIoverheid Private Services CA');
  const unknown = await makeCa('Some Other CA');
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, trusted.cert.toString('pem'));
  const crlFile = join(dir, 'ca.crl.pem');

  const issue: TestPki['issue'] = async (name, opts = {}) => {
    const ca = opts.ca === 'unknown' ? unknown : trusted;
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
    const serialNumber = nextSerial();
    const subject = `CN=${name}, O=${name}, C=NL${opts.oin ? `, 2.5.4.5=${opts.oin}` : ''}`;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber,
      subject,
      issuer: ca.cert.subject,
      notBefore: opts.notBefore ?? new Date(Date.now() - DAY),
      notAfter: opts.notAfter ?? new Date(Date.now() + 90 * DAY),
      publicKey: keys.publicKey,
      signingKey: ca.keys.privateKey,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth, x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }, { type: 'dns', value: 'localhost' }]),
      ],
    });
    const certPem = cert.toString('pem');
    const keyPem = await pkcs8Pem(keys.privateKey);
    const certFile = join(dir, `${name}.crt.pem`);
    const keyFile = join(dir, `${name}.key.pem`);
    writeFileSync(certFile, certPem);
    writeFileSync(keyFile, keyPem, { mode: 0o600 });
    const fp = Buffer.from(await cert.getThumbprint('SHA-256')).toString('hex').toUpperCase();
    return { certFile, keyFile, certPem, keyPem, serialNumber, fingerprint: fp };
  };
  const revoke: TestPki['revoke'] = async (...serials) => {
    const crl = await x509.X509CrlGenerator.create({
      issuer: trusted.cert.subject,
      thisUpdate: new Date(Date.now() - 60_000),
      nextUpdate: new Date(Date.now() + 7 * DAY),
      entries: serials.map((serialNumber) => ({ serialNumber, revocationDate: new Date(Date.now() - 60_000) })),
      signingKey: trusted.keys.privateKey,
      signingAlgorithm: ALG,
    });
    // OpenSSL (and so Node's TLS) reads a CRL only under the label X509 CRL.
    writeFileSync(crlFile, x509.PemConverter.encode(crl.rawData, 'X509 CRL'));
  };
  await revoke();
  const server = await issue('knooppunt-server');
  return { dir, caFile, caPem: trusted.cert.toString('pem'), crlFile, server, issue, revoke };
}
