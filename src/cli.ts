#!/usr/bin/env node
import { hashPassword as hashPartyPassword } from './parties/passwords.js';
import { regioNotes } from './routing/regions.js';
import { applyFileSecrets, readEnv } from './config/env.js';
import { ConfigError, loadConfig } from './config/load.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createGateway, resolveMasterKey } from './gateway.js';
import { withConsoleSession } from './console/client.js';
import { formatAnchorResult, readAnchorFile, verifyAgainstAnchors } from './log/anchor.js';
import { createLogger } from './ops/logger.js';
import { generateApiKey, hashApiKey } from './parties/api-keys.js';
import { generateMasterKey } from './log/keys.js';
import { hashPassword } from './console/auth/passwords.js';
import { formatVerifyResult, verifyLog } from './log/verify.js';
import { runMapCommand } from './mapping/index.js';
import { openStore, storeOptionsOf } from './store/open.js';
import { missingStore } from './cli/existing-store.js';
import { buildOpenApi, contactFromEnv } from './channels/rest/openapi-build.js';
import { readyBanner } from './cli/banner.js';

const USAGE = `knooppunt — integration gateway for the Dutch municipal social domain

usage:
  knooppunt serve                         run the gateway (configuration from the environment, see README)
  knooppunt check-config [<file>]         check a configuration (default KNOOPPUNT_CONFIG) without starting; every
                                          problem in words, naming the party, route or field; exit 1 on any problem
  knooppunt openapi                       print the OpenAPI document of /api/v1 (as served at /api/v1/openapi.json)
  knooppunt verify-log [--anchor <file>]  check the exchange log's hash chain and print its head; with an anchor file
                                          (default KNOOPPUNT_CHECKPOINT_FILE), also check the head against its checkpoints
                                          and name any missing range; exit 1 on any break
  knooppunt verify-log --gateway <url>    the same check run by a running gateway (its admin API), for an embedded
                                          store that gateway holds; console user in KNOOPPUNT_CONSOLE_USER, password
                                          in KNOOPPUNT_CONSOLE_PASSWORD or on stdin
  knooppunt map <mapping> <input-file>    run a mapping file (or mapping name) on an input file and print the result
  knooppunt new-api-key                   print a new API key and the sha256 to put in the configuration
  knooppunt hash-key <key>                print the sha256 of an existing API key
  knooppunt generate-key                  print a new KNOOPPUNT_ENCRYPTION_KEY (base64, 32 bytes)
  knooppunt key-id                        print the key id of KNOOPPUNT_ENCRYPTION_KEY and of each previous key
  knooppunt hash-password                 read a console password from stdin, print its passwordHash (scrypt)
  knooppunt hash-party-password           read a party's password from stdin, print the scrypt value for
                                          credentials.passwords (HTTP Basic, WS-Security UsernameToken)
`;

async function serve(): Promise<number> {
  const env = readEnv();
  const logger = createLogger(env.logLevel);
  const gateway = await createGateway(env, { logger });
  // An embedded database whose thread stopped cannot come back in this process: exit, so that a
  // supervisor restarts the gateway (which reopens the data directory), instead of staying up and
  // refusing every request.
  gateway.db.onLost?.((err) => {
    logger.fatal({ err: err.message }, 'the store is lost; exiting');
    process.exit(70);
  });
  const address = await gateway.listen();
  process.stdout.write(readyBanner(env, address, { store: gateway.db.driver, queue: gateway.queue.kind, config: gateway.config }));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    gateway.close().then(
      () => process.exit(0),
      (err: Error) => {
        logger.error({ err: err.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return new Promise<number>(() => undefined);
}

/** verify-log through a running gateway's admin API: its embedded store is locked by that gateway. */
async function verifyRemote(gateway: string): Promise<number> {
  const user = process.env.KNOOPPUNT_CONSOLE_USER;
  if (!user) {
    process.stderr.write('knooppunt verify-log --gateway: set KNOOPPUNT_CONSOLE_USER (a console user with the auditor, beheerder or privacy role)\n');
    return 2;
  }
  const password = process.env.KNOOPPUNT_CONSOLE_PASSWORD ?? (await readStdin()).replace(/\r?\n$/, '');
  const answer = await withConsoleSession(gateway, { user, password }, (get) => get('/log/verify')) as { ok: boolean; text: string };
  process.stdout.write(answer.text + '\n');
  return answer.ok ? 0 : 1;
}

async function verify(args: string[]): Promise<number> {
  const g = args.indexOf('--gateway');
  if (g >= 0) {
    if (!args[g + 1]) {
      process.stderr.write('knooppunt verify-log: --gateway needs the gateway URL\n');
      return 2;
    }
    return verifyRemote(args[g + 1]!);
  }
  const env = readEnv();
  const missing = await missingStore(env);
  if (missing) {
    process.stderr.write(`knooppunt verify-log: ${missing}\n`);
    return 2;
  }
  const i = args.indexOf('--anchor');
  if (i >= 0 && !args[i + 1]) {
    process.stderr.write('knooppunt verify-log: --anchor needs a file\n');
    return 2;
  }
  const anchorFile = i >= 0 ? args[i + 1] : env.checkpointFile && existsSync(env.checkpointFile) ? env.checkpointFile : undefined;
  const db = await openStore(storeOptionsOf(env));
  try {
    const result = await verifyLog(db);
    process.stdout.write(formatVerifyResult(result) + '\n');
    if (!anchorFile) return result.ok ? 0 : 1;
    const ring = resolveMasterKey(env, createLogger('silent'));
    const anchored = await verifyAgainstAnchors(db, ring, await readAnchorFile(anchorFile));
    process.stdout.write(formatAnchorResult(anchored) + '\n');
    return result.ok && anchored.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}

function checkConfigCommand(file: string | undefined): number {
  const path = file ? resolve(file) : readEnv().configPath;
  try {
    const config = loadConfig(path);
    process.stdout.write(
      `${path}: valid — ${config.parties.length} parties, ${config.routes.length} routes, ` +
        `${(config.destinations ?? []).length} destinations, ${(config.bevragingen ?? []).length} bevragingen\n` +
        regioNotes(config).map((n) => `${n}\n`).join('') +
        'Mapping files and official schema folders are checked when the gateway starts.\n',
    );
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.file}: ${err.problems.length} problem(s)\n${err.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 1;
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password (then Enter, Ctrl-D): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  applyFileSecrets();
  switch (command) {
    case 'serve':
      return serve();
    case 'verify-log':
      return verify(rest);
    case 'check-config':
      return checkConfigCommand(rest[0]);
    case 'openapi':
      process.stdout.write(JSON.stringify(buildOpenApi(readEnv().schemasDir, contactFromEnv()), null, 2) + '\n');
      return 0;
    case 'map':
      return runMapCommand(rest, process.stdout, process.stderr);
    case 'new-api-key': {
      const key = generateApiKey();
      process.stdout.write(`key:    ${key}\nsha256: ${hashApiKey(key)}\n`);
      return 0;
    }
    case 'hash-key':
      if (!rest[0]) break;
      process.stdout.write(hashApiKey(rest[0]) + '\n');
      return 0;
    case 'hash-party-password': {
      const password = (await readStdin()).replace(/\r?\n$/, '');
      if (!password) {
        process.stderr.write('knooppunt hash-party-password: give the password on stdin\n');
        return 2;
      }
      process.stdout.write(hashPartyPassword(password) + '\n');
      return 0;
    }
    case 'hash-password': {
      // From stdin, not the command line: arguments end up in shell history and process lists.
      const password = (await readStdin()).replace(/\r?\n$/, '');
      if (!password) {
        process.stderr.write('knooppunt hash-password: give the password on stdin\n');
        return 2;
      }
      process.stdout.write((await hashPassword(password)) + '\n');
      return 0;
    }
    case 'key-id': {
      const env = readEnv();
      const ring = resolveMasterKey(env, createLogger('silent'));
      process.stdout.write(`current:  ${ring.current.id}\n`);
      for (const k of [...ring.byId.values()].filter((k) => k.id !== ring.current.id)) process.stdout.write(`previous: ${k.id}\n`);
      return 0;
    }
    case 'generate-key':
      process.stdout.write(generateMasterKey() + '\n');
      return 0;
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return 0;
  }
  process.stderr.write(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`knooppunt: ${err.message}\n`);
    process.exit(1);
  },
);
