/**
 * One token bucket per target for the whole process: every client of a target (concurrent runs of
 * different tools, a connection check) shares the target's `<TARGET>_RATE_LIMIT`, instead of each
 * getting the full rate. (Circuit breakers stay per client: each run decides for itself.)
 */
import type { RateSpec } from '../config/rate-spec.js';
import { TokenBucket } from './token-bucket.js';

const buckets = new Map<string, TokenBucket>();

/** The process-wide bucket of a target at `baseUrl` with this rate limit. */
export function sharedBucket(target: string, baseUrl: string, rateLimit: RateSpec, burst = 1): TokenBucket {
  const key = `${target}\u0000${baseUrl}\u0000${rateLimit.count}/${rateLimit.windowMs}\u0000${burst}`;
  let bucket = buckets.get(key);
  if (!bucket) {
    bucket = new TokenBucket(rateLimit, { burst, name: target });
    buckets.set(key, bucket);
  }
  return bucket;
}
