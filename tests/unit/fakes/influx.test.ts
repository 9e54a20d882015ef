import { gzipSync } from 'node:zlib';
import { InfluxDB, Point } from '@influxdata/influxdb-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeInflux, type FakeInflux } from '../../fakes/influx.js';
import { LineProtocolError, parseLineProtocol } from '../../fakes/influx-model.js';

describe('fake InfluxDB line protocol', () => {
  it('reads escapes, every field type, precision and comments as the documentation describes them', () => {
    const body = [
      '# a comment',
      'wpr\\ lines,order\\,id=A\\=1,product=Flow\\ One line_key="A-1",qty=2,rows=5i,n=7u,ok=t,note="say \\"hi\\"\\\\ \nnext" 1700000000',
      '',
      'm f=1.5e3',
    ].join('\n');
    const [first, second] = parseLineProtocol(body, 's', () => 42n);
    expect(first).toEqual({
      measurement: 'wpr lines',
      tags: { 'order,id': 'A=1', product: 'Flow One' },
      fields: {
        line_key: { type: 'string', value: 'A-1' },
        qty: { type: 'float', value: 2 },
        rows: { type: 'integer', value: 5 },
        n: { type: 'unsigned', value: 7 },
        ok: { type: 'boolean', value: true },
        note: { type: 'string', value: 'say "hi"\\ \nnext' },
      },
      time: 1_700_000_000_000_000_000n,
    });
    expect(second).toMatchObject({ measurement: 'm', fields: { f: { type: 'float', value: 1500 } }, time: 42n });
  });

  it('refuses lines InfluxDB would refuse, naming the line', () => {
    expect(() => parseLineProtocol('m,t= f=1')).toThrow(LineProtocolError);
    expect(() => parseLineProtocol('m f=abc')).toThrow(/unable to parse 'm f=abc': invalid field value/);
    expect(() => parseLineProtocol('m f="open')).toThrow(/unterminated string/);
    expect(() => parseLineProtocol('m f=1 12x')).toThrow(/invalid timestamp/);
    expect(() => parseLineProtocol('m f=1', 'h')).toThrow(/invalid precision/);
  });
});

describe('fake InfluxDB over HTTP', () => {
  let influx: FakeInflux;
  beforeEach(async () => {
    influx = await startFakeInflux({ maxLinesPerWrite: 3 });
  });
  afterEach(() => influx.close());

  const write = (body: string | Buffer, headers: Record<string, string> = {}, query = 'org=test-org&bucket=wpr&precision=ns') =>
    fetch(`${influx.url}/api/v2/write?${query}`, { method: 'POST', body, headers: { authorization: `Token ${influx.token}`, ...headers } });

  it('stores gzipped line protocol and counts it', async () => {
    const response = await write(gzipSync('m,t=a f=1 10\nm,t=a f=2 11'), { 'content-encoding': 'gzip' });
    expect(response.status).toBe(204);
    expect(influx.points()).toHaveLength(2);
    expect(influx.counters.gzipRequests).toBe(1);
  });

  it('answers 401, 404, 413 and 422 with InfluxDB error bodies', async () => {
    const unauthorized = await fetch(`${influx.url}/api/v2/write?org=test-org&bucket=wpr`, { method: 'POST', body: 'm f=1' });
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toEqual({ code: 'unauthorized', message: 'unauthorized access' });
    const noBucket = await write('m f=1', {}, 'org=test-org&bucket=nope');
    expect([noBucket.status, await noBucket.json()]).toEqual([404, { code: 'not found', message: 'bucket "nope" not found' }]);
    const tooLarge = await write('m f=1 1\nm f=1 2\nm f=1 3\nm f=1 4');
    expect([tooLarge.status, ((await tooLarge.json()) as { code: string }).code]).toEqual([413, 'request too large']);
    expect((await write('m f=1 1')).status).toBe(204);
    const conflict = await write('m f="text" 2');
    expect(conflict.status).toBe(422);
    expect(((await conflict.json()) as { message: string }).message).toMatch(/field type conflict: input field "f" on measurement "m" is type string, already exists as type float/);
  });

  it('answers Flux with annotated CSV the official client reads, pivoted and sorted (an absent string is an empty cell)', async () => {
    const client = new InfluxDB({ url: influx.url, token: influx.token });
    const writer = client.getWriteApi('test-org', 'wpr', 'ns');
    writer.writePoints([
      new Point('m').tag('k', 'b').floatField('x', 1).stringField('s', 'two').timestamp('100'),
      new Point('m').tag('k', 'a').floatField('x', 3).timestamp('101'),
      new Point('other').tag('k', 'a').floatField('x', 9).timestamp('102'),
    ]);
    await writer.close();
    const rows = await client.getQueryApi('test-org').collectRows<Record<string, unknown>>(
      'from(bucket: "wpr") |> range(start: time(v: "1970-01-01T00:00:00Z")) |> filter(fn: (r) => r._measurement == "m") |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value") |> group() |> sort(columns: ["k"])',
    );
    expect(rows.map(({ k, x, s, _time }) => ({ k, x, s, _time }))).toEqual([
      { k: 'a', x: 3, s: '', _time: '1970-01-01T00:00:00.000000101Z' },
      { k: 'b', x: 1, s: 'two', _time: '1970-01-01T00:00:00.0000001Z' },
    ]);
  });

  it('refuses a query without range, as InfluxDB does', async () => {
    const client = new InfluxDB({ url: influx.url, token: influx.token });
    await expect(client.getQueryApi('test-org').collectRows('from(bucket: "wpr")')).rejects.toThrow(/cannot submit unbounded read/);
  });
});
