/** Parses client-side rate limits written as `<count>/<window>`: `10/s`, `50/10s`, `600/min`, `5/2m`. */
import { ConfigError } from '../engine/errors.js';

export interface RateSpec {
  /** Requests allowed per window. */
  count: number;
  /** Window length in milliseconds. */
  windowMs: number;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

export function parseRateSpec(text: string, variable = 'rate limit'): RateSpec {
  const match = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)?\s*(ms|s|sec|m|min|h)\s*$/i.exec(text);
  if (!match) {
    throw new ConfigError(`${variable}="${text}" is not a rate limit.`, {
      action: `Write it as <count>/<window>, e.g. ${variable}=10/s or ${variable}=50/10s.`,
    });
  }
  const count = Number(match[1]);
  const multiple = match[2] ? Number(match[2]) : 1;
  const windowMs = multiple * UNIT_MS[match[3]!.toLowerCase()]!;
  if (count <= 0 || windowMs <= 0) {
    throw new ConfigError(`${variable}="${text}" must allow at least one request per window.`);
  }
  return { count, windowMs };
}

/** Requests per second a spec allows on average. */
export function ratePerSecond(spec: RateSpec): number {
  return (spec.count * 1000) / spec.windowMs;
}
