import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/engine/errors.js';
import { parseRateSpec, ratePerSecond } from '../../../src/config/rate-spec.js';

describe('parseRateSpec', () => {
  it.each([
    ['10/s', 10, 1000],
    ['50/10s', 50, 10_000],
    ['600/min', 600, 60_000],
    ['5/2m', 5, 120_000],
    ['100/h', 100, 3_600_000],
    ['20/500ms', 20, 500],
    ['3/sec', 3, 1000],
    [' 10 / 1 S ', 10, 1000],
    ['2.5/s', 2.5, 1000],
  ])('reads %j as %d per %d ms', (text, count, windowMs) => {
    expect(parseRateSpec(text)).toEqual({ count, windowMs });
  });

  it.each(['', 'fast', '10', '10/', '/s', '10/day', '-1/s', '10 per s', '10/s/s'])('refuses %j with a ConfigError naming the variable', (text) => {
    expect(() => parseRateSpec(text, 'OPENPROJECT_RATE_LIMIT')).toThrow(ConfigError);
    expect(() => parseRateSpec(text, 'OPENPROJECT_RATE_LIMIT')).toThrow(/OPENPROJECT_RATE_LIMIT/);
  });

  it.each(['0/s', '10/0s'])('refuses %j, which allows no request', (text) => {
    expect(() => parseRateSpec(text, 'DEVREV_RATE_LIMIT')).toThrow(/DEVREV_RATE_LIMIT.*at least one request/);
  });

  it('its error says how to write a rate', () => {
    try {
      parseRateSpec('often', 'INNERGY_RATE_LIMIT');
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).action).toContain('INNERGY_RATE_LIMIT=10/s');
    }
  });
});

describe('ratePerSecond', () => {
  it('is the average number of requests per second', () => {
    expect(ratePerSecond({ count: 50, windowMs: 10_000 })).toBe(5);
    expect(ratePerSecond({ count: 600, windowMs: 60_000 })).toBe(10);
    expect(ratePerSecond({ count: 20, windowMs: 500 })).toBe(40);
  });
});
