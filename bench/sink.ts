/**
 * The webhook destination of `npm run bench`, as its own process so that its CPU is not the
 * gateway's. Answers 200 to every POST, counts requests and distinct Idempotency-Keys; GET /stats
 * returns the counts. Prints its port on stdout.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let requests = 0;
const keys = new Set<string>();
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ requests, distinct: keys.size }));
    return;
  }
  req.on('data', () => undefined);
  req.on('end', () => {
    requests++;
    const key = req.headers['idempotency-key'];
    if (typeof key === 'string') keys.add(key);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`port ${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => process.exit(0));
