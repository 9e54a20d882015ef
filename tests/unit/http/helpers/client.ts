/** A client tuned for fast tests: a generous rate limit and tiny backoff delays. */
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../../../../src/http/index.js';

export function fastClient(baseUrl: string, overrides: Partial<HttpClientOptions> = {}): HttpClient {
  return createHttpClient({
    target: 'INNERGY',
    baseUrl,
    rateLimit: { count: 1000, windowMs: 1000 },
    retryDelayMs: 10,
    timeoutMs: 2000,
    ...overrides,
  });
}
