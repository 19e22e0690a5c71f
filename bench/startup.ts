// Start-up cost of a test gateway: starts and closes N gateways in one process (PGlite, in-process
// queue) and prints wall and CPU time per start. Usage: npx tsx bench/startup.ts [N]
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { testConfig, testEnv, writeConfig, startGateway } from '../test/helpers/gateway.js';

const n = Number(process.argv[2] ?? 1);
const hook = createServer((_q, r) => r.end('ok')).listen(0);
const port = (hook.address() as { port: number }).port;
const configPath = writeConfig(testConfig(`http://127.0.0.1:${port}`));
// STARTUP_PROFILE=<file>: a CPU profile of the 2nd..Nth start only (what the caches should make cheap).
const profile = process.env.STARTUP_PROFILE;
const session = new Session();
for (let i = 0; i < n; i++) {
  if (profile && i === 1) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const env = await testEnv('pglite', 'in-process', configPath);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { gateway } = await startGateway(env);
  const c = process.cpuUsage(c0);
  const wall = performance.now() - t0;
  await gateway.close();
  console.log(`gateway ${i + 1}: wall ${(wall / 1000).toFixed(2)} s, cpu ${((c.user + c.system) / 1e6).toFixed(2)} s`);
}
if (profile && n > 1) writeFileSync(profile, JSON.stringify((await session.post('Profiler.stop')).profile));
hook.close();
