/**
 * A flood of password guesses on the channels that take a party's username and password (HTTP
 * Basic on REST, WS-Security UsernameToken on StUF) is limited per client address before scrypt
 * runs, as the console's sign-in is: ever new user names from one address reach scrypt at most the
 * allowance a minute, the rest get 429 in the channel's form at once. A client whose credentials
 * were already checked is remembered and not held up by the flood. Counted: scrypt runs.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { GatewayConfig } from '../../src/config/types.js';
import type { Gateway } from '../../src/gateway.js';
import { hashPassword, passwordHashCounts } from '../../src/parties/passwords.js';
import { startGateway, testEnv, writeConfig } from '../helpers/gateway.js';

const ALLOWANCE = 8;
const PASSWORD = 'correct horse battery staple';

function config(): GatewayConfig {
  return {
    parties: [
      { id: 'bo-0153', kind: 'backoffice', name: 'Back office Enschede', credentials: { apiKeys: [], passwords: [{ id: 'p1', username: 'bo-0153', scrypt: hashPassword(PASSWORD) }] }, stuf: { organisatie: '0153', applicatie: 'JeugdBO' } },
    ],
    destinations: [],
    routes: [],
  };
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const wss = (user: string, password: string) =>
  `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:UsernameToken><wsse:Username>${user}</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">${password}</wsse:Password></wsse:UsernameToken></wsse:Security></soapenv:Header><soapenv:Body><x/></soapenv:Body></soapenv:Envelope>`;

describe('password guessing flood (HTTP Basic, WS-Security)', () => {
  let gateway: Gateway;
  let baseUrl: string;
  beforeAll(async () => {
    ({ gateway, baseUrl } = await startGateway(await testEnv('pglite', 'in-process', writeConfig(config()), { KNOOPPUNT_PASSWORD_ATTEMPTS_PER_MINUTE: String(ALLOWANCE) })));
  }, 120_000);
  afterAll(async () => {
    await gateway.close();
  });

  it('40 Basic guesses with new user names: at most the allowance reach scrypt, the rest get 429 problem+json; a remembered client still gets in', async () => {
    // The real client signs in once (one scrypt run, then remembered).
    const first = await fetch(`${baseUrl}/api/v1/mailbox`, { headers: { authorization: basic('bo-0153', PASSWORD) } });
    expect(first.status).toBe(200);
    await first.arrayBuffer();
    const runs0 = passwordHashCounts.runs;
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${baseUrl}/api/v1/mailbox`, { headers: { authorization: basic(`flood-${randomUUID()}`, 'guess') } });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      await res.arrayBuffer();
    }
    const hashed = passwordHashCounts.runs - runs0;
    expect(hashed).toBeLessThanOrEqual(ALLOWANCE - 1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(hashed);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40 - hashed);
    const again = await fetch(`${baseUrl}/api/v1/mailbox`, { headers: { authorization: basic('bo-0153', PASSWORD) } });
    expect(again.status).toBe(200);
    await again.arrayBuffer();
    expect(passwordHashCounts.runs - runs0).toBe(hashed);
  }, 120_000);

  it('WS-Security guesses on StUF from the same address: no scrypt run once the allowance is used, 429 with a SOAP Fault', async () => {
    const runs0 = passwordHashCounts.runs;
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${baseUrl}/stuf/zds/BeantwoordVraag`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://www.stufstandaarden.nl/koppelvlak/zds0120/geefZaakdetails_ZakLv01"' },
        body: wss(`flood-${randomUUID()}`, 'guess'),
      });
      expect(res.status).toBe(429);
      expect(await res.text()).toContain('Fault');
    }
    expect(passwordHashCounts.runs - runs0).toBe(0);
  }, 120_000);
});
