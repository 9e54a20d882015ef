import { describe, expect, it } from 'vitest';
import { classifyStatus, isTransientStatus, RETRY_STATUS_CODES } from '../../../src/http/index.js';

describe('classifyStatus', () => {
  it.each([
    [200, 'ok'],
    [201, 'ok'],
    [204, 'ok'],
    [304, 'ok'],
    [408, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [504, 'retry'],
    [429, 'rate_limited'],
    [401, 'stop_run'],
    [403, 'stop_run'],
    [400, 'fail_record'],
    [404, 'fail_record'],
    [409, 'fail_record'],
    [413, 'fail_record'],
    [422, 'fail_record'],
    [501, 'fail_record'],
  ] as const)('maps %i to %s', (status, action) => {
    expect(classifyStatus(status)).toBe(action);
  });

  it('treats 408, 429 and every 5xx but 501 as transient and lists them for ky', () => {
    expect(isTransientStatus(429)).toBe(true);
    expect(isTransientStatus(501)).toBe(false);
    expect(isTransientStatus(422)).toBe(false);
    expect(RETRY_STATUS_CODES).toContain(408);
    expect(RETRY_STATUS_CODES).toContain(599);
    expect(RETRY_STATUS_CODES).not.toContain(501);
    expect(RETRY_STATUS_CODES).not.toContain(413);
  });
});
