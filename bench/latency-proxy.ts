/**
 * A small TCP proxy for benchmarks that adds a fixed delay to every chunk in each direction (order
 * kept), as a database across a network would: `startLatencyProxy({target, delayMs})` listens on
 * 127.0.0.1 and forwards to `target`. Node timers fire no earlier than asked, so the added delay is
 * at least `delayMs` per direction (measure the round trip to report the real figure).
 */
import net from 'node:net';

export interface LatencyProxy {
  port: number;
  close(): Promise<void>;
}

/** Forwards chunks from `from` to `to`, each `delayMs` after it arrived, in arrival order. */
function delayedPipe(from: net.Socket, to: net.Socket, delayMs: number): void {
  from.on('data', (chunk: Buffer) => {
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, delayMs);
  });
  from.on('end', () => setTimeout(() => to.end(), delayMs));
}

export async function startLatencyProxy(options: { target: { host: string; port: number }; delayMs: number }): Promise<LatencyProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    client.setNoDelay(true);
    const upstream = net.connect(options.target.port, options.target.host);
    upstream.setNoDelay(true);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    delayedPipe(client, upstream, options.delayMs);
    delayedPipe(upstream, client, options.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
