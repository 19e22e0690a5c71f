import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Attempts per client address per minute (rate-limiter-flexible, in memory per process), taken
 * before a password is hashed: a flood of guesses with ever new user names then costs a few scrypt
 * runs a minute per address instead of one each, and cannot hold the event loop.
 */
export class AddressAttemptLimiter {
  private readonly limiter: RateLimiterMemory;
  constructor(keyPrefix: string, perMinute: number) {
    this.limiter = new RateLimiterMemory({ keyPrefix, points: Math.max(1, perMinute), duration: 60 });
  }

  /** 0 when this attempt may go on; else the seconds until the address may try again. */
  async take(address: string): Promise<number> {
    try {
      await this.limiter.consume(address || 'unknown');
      return 0;
    } catch (err) {
      if (err instanceof RateLimiterRes) return Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw err;
    }
  }
}
