import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, ConfigError, TerminalError, TransientError } from '../../../src/engine/errors.js';
import { compareLines, type WprLine } from '../../../src/stores/batch-store.js';
import { InfluxBatchStore, type InfluxStoreConfig } from '../../../src/stores/influx/influx-batch-store.js';
import { startFakeInflux, type FakeInflux, type FakeInfluxOptions } from '../../fakes/influx.js';
import { describeBatchStoreContract, makeLines } from './batch-store-contract.js';

const FAST_RETRY = { minRetryDelay: 20, maxRetryDelay: 3000, retryJitter: 0 };

function storeFor(influx: FakeInflux, overrides: Partial<InfluxStoreConfig> = {}, bucket = 'wpr'): InfluxBatchStore {
  return new InfluxBatchStore({ url: influx.url, token: influx.token, org: influx.org, bucket, write: { batchSize: 7, ...FAST_RETRY }, ...overrides });
}

async function collect(lines: AsyncIterable<WprLine>): Promise<WprLine[]> {
  const out: WprLine[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

for (const version of ['2', '1.8'] as const) {
  let influx: FakeInflux;
  beforeAll(async () => {
    influx = await startFakeInflux({ version });
  });
  afterAll(() => influx.close());
  describeBatchStoreContract(
    `InfluxDB ${version} (fake)`,
    async () => {
      influx.model.clear();
      return storeFor(influx, version === '1.8' ? { org: '-', token: influx.token } : {}, version === '1.8' ? 'wpr/autogen' : 'wpr');
    },
    'influxdb',
  );
}

describe('InfluxBatchStore against the fake InfluxDB 2.x', () => {
  let influx: FakeInflux;
  const start = async (options: FakeInfluxOptions = {}) => {
    influx = await startFakeInflux(options);
    return influx;
  };
  afterEach(() => influx?.close());
  const meta = (batch_id: string) => ({ batch_id, file: 'orders.xlsx', sheet: 'WP_Overall_Order_Report' });

  it('writes one point per line with batch, order and product tags, distinct timestamps and a manifest last', async () => {
    await start();
    const store = storeFor(influx, { now: () => 1_700_000_000_000 });
    await store.writeBatch(meta('b1'), makeLines(20, 4));
    const points = influx.points('wpr', 'wpr_order_line');
    expect(points).toHaveLength(20);
    expect(new Set(points.map((point) => point.time)).size).toBe(20);
    expect(points[1]).toMatchObject({ tags: { batch_id: 'b1', order_id: 'WPO000000', product: 'NIAM' }, time: 1_700_000_000_000_000_001n });
    expect(points[1]!.fields).toMatchObject({ line_key: { type: 'string', value: 'WPO000000-6' }, quantity: { type: 'float', value: 1.5 }, source_row: { type: 'integer', value: 6 } });
    expect(points[0]!.tags.product).toBeUndefined(); // an empty product has no tag
    expect(influx.points('wpr', 'wpr_batch')).toHaveLength(1);
    const writes = influx.server.requests.entries.filter((entry) => entry.path === '/api/v2/write');
    expect(writes).toHaveLength(4); // 20 lines in chunks of 7, then the manifest
    expect(influx.counters.gzipRequests).toBeGreaterThan(0);
  });

  it('reads back from the 1.8 compatibility routes as from 2.x', async () => {
    await start({ version: '1.8' });
    const store = storeFor(influx, { org: '-' }, 'wpr');
    const lines = makeLines(10);
    await store.writeBatch(meta('b'), lines);
    expect(await collect(store.readBatch('b'))).toEqual([...lines].sort(compareLines));
  });

  it('deletes the window of a replaced batch', async () => {
    await start();
    let now = 1_700_000_000_000;
    const store = storeFor(influx, { now: () => (now += 1000) });
    await store.writeBatch(meta('b'), makeLines(10));
    await store.writeBatch(meta('b'), makeLines(4));
    expect(influx.points('wpr', 'wpr_order_line')).toHaveLength(4);
    expect(influx.counters.deletes).toBe(1);
  });

  it('stops with an AuthError naming INFLUX_TOKEN on 401, and leaves no batch', async () => {
    await start();
    const store = storeFor(influx, { token: 'wrong-token' });
    const error = await store.writeBatch(meta('b'), makeLines(5)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toBe(`InfluxDB at ${influx.url} answered 401: unauthorized access.`);
    expect((error as AuthError).action).toMatch(/INFLUX_TOKEN/);
    expect(JSON.stringify(error)).not.toContain('wrong-token');
    expect(influx.points()).toHaveLength(0);
  });

  it('says an unknown bucket is a configuration error', async () => {
    await start();
    const error = await storeFor(influx, {}, 'nope').writeBatch(meta('b'), makeLines(2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).action).toMatch(/INFLUX_BUCKET/);
  });

  it('splits a write the server finds too large (413) and stores every line once', async () => {
    await start({ maxLinesPerWrite: 3 });
    const store = storeFor(influx);
    const lines = makeLines(20);
    await store.writeBatch(meta('b'), lines);
    expect(influx.points('wpr', 'wpr_order_line')).toHaveLength(20);
    expect(influx.server.requests.entries.filter((entry) => entry.status === 413).length).toBeGreaterThan(0);
    expect(await collect(store.readBatch('b'))).toEqual([...lines].sort(compareLines));
  });

  it('retries a 503 in the middle of a batch and stores every line once', async () => {
    await start();
    let writes = 0;
    influx.server.faults.once({ kind: 'status5xx', status: 503, match: { path: '/api/v2/write', where: () => ++writes === 2 } });
    const store = storeFor(influx);
    const lines = makeLines(30);
    await store.writeBatch(meta('b'), lines);
    const statuses = influx.server.requests.entries.filter((entry) => entry.path === '/api/v2/write').map((entry) => entry.status);
    expect(statuses).toContain(503);
    expect(influx.points('wpr', 'wpr_order_line')).toHaveLength(30);
    expect(await collect(store.readBatch('b'))).toEqual([...lines].sort(compareLines));
  });

  it('waits the Retry-After seconds of a 429 before retrying (not milliseconds)', async () => {
    await start({ rateLimit: { count: 2, windowMs: 60_000, retryAfterSeconds: 1 } });
    const store = storeFor(influx);
    const written = store.writeBatch(meta('b'), makeLines(20));
    // Let the limited write be answered, then lift the limit for the retry.
    await new Promise((resolve) => setTimeout(resolve, 100));
    influx.server.setRateLimit(null);
    await written;
    const writes = influx.server.requests.entries.filter((entry) => entry.path === '/api/v2/write');
    const limited = writes.findIndex((entry) => entry.status === 429);
    expect(limited).toBeGreaterThanOrEqual(0);
    const retry = writes[limited + 1]!;
    expect(retry.timestamp - writes[limited]!.timestamp).toBeGreaterThanOrEqual(900);
    expect(influx.points('wpr', 'wpr_order_line')).toHaveLength(20);
  });

  it('gives up with a TransientError when the server keeps failing, and leaves no batch', async () => {
    await start({ faults: { routes: [{ match: { path: '/api/v2/write' }, status5xx: 1 }] } });
    const store = storeFor(influx, { write: { batchSize: 7, ...FAST_RETRY, maxRetries: 2 } });
    const error = await store.writeBatch(meta('b'), makeLines(10)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    influx.server.faults.clear();
    expect(await store.getBatch('b')).toBeUndefined();
  });

  it('says a field type conflict is refused data, with what to do', async () => {
    await start();
    const store = storeFor(influx);
    await store.writeBatch(meta('a'), makeLines(3));
    const text = makeLines(3).map((line) => ({ ...line, fields: { ...line.fields, quantity: 'three' } }));
    const error = await store.writeBatch(meta('b'), text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerminalError);
    expect((error as TerminalError).message).toMatch(/answered 422: .*field type conflict/);
    expect((error as TerminalError).action).toMatch(/new bucket/);
    expect(await store.getBatch('b')).toBeUndefined();
  });
});
