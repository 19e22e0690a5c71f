import { pino, type Logger } from 'pino';

/**
 * Structured logs for operators. Payloads and BSNs never reach this logger by design (we log ids and
 * codes only); the redaction list is a second line of defence for credentials and body-like fields.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'knooppunt' },
      redact: {
        paths: ['authorization', 'apiKey', '*.authorization', '*.apiKey', 'headers.authorization', 'headers["x-api-key"]',
          'bsn', '*.bsn', 'payload', '*.payload', 'body', '*.body'],
        censor: '[redacted]',
      },
    },
    destination as pino.DestinationStream | undefined,
  );
}
