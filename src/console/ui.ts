import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import { projectRoot } from '../util/paths.js';

/** Content Security Policy of the console: only our own scripts, styles and API; no frames, no inline code. */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** The folder with the console's HTML, CSS and JavaScript (plain files, no build step). */
export function consoleStaticDir(): string {
  return join(projectRoot(), 'src', 'console', 'static');
}

function securityHeaders(res: express.Response): void {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function noStore(res: express.Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
}

/**
 * The administrator console's static files at /console (index.html for /console and /console/).
 * The admin API (/console/api/) and the printable citizen report are mounted separately; this
 * router only answers for files that exist in src/console/static/ and passes everything else on.
 */
export function consoleUi(): express.Router {
  const dir = consoleStaticDir();
  const router = express.Router({ strict: true });
  const index = join(dir, 'index.html');

  const sendIndex = (_req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (!existsSync(index)) return next();
    securityHeaders(res);
    noStore(res);
    res.sendFile(index, (err) => {
      if (err && !res.headersSent) next(err);
    });
  };
  router.get('/console', sendIndex);
  router.get('/console/', sendIndex);
  router.get('/console/index.html', sendIndex);

  // uPlot (the operations charts) from node_modules, under our own origin: no CDN, the CSP stays 'self'.
  const uplotDir = join(projectRoot(), 'node_modules', 'uplot', 'dist');
  for (const [name, file] of [['uPlot.esm.js', 'uPlot.esm.js'], ['uPlot.min.css', 'uPlot.min.css']] as const) {
    router.get(`/console/vendor/uplot/${name}`, (_req, res, next) => {
      securityHeaders(res);
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(join(uplotDir, file), (err) => {
        if (err && !res.headersSent) next(err);
      });
    });
  }

  router.use(
    '/console',
    (req, res, next) => {
      if (req.path.startsWith('/api/') || req.path === '/api') return next('router');
      next();
    },
    express.static(dir, {
      index: false,
      redirect: false,
      dotfiles: 'deny',
      fallthrough: true,
      setHeaders: (res, path) => {
        securityHeaders(res);
        if (path.endsWith('.html')) noStore(res);
        else res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );
  return router;
}
