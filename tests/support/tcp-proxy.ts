/**
 * A loopback TCP proxy a test can cut, as a network outage between the relay and its database
 * would: either refused (open connections reset, new ones refused) or a blackhole (connections
 * stay open but no byte passes, as when packets are dropped). Restoring ends the outage: a
 * refusing proxy listens again on the same port, a blackhole passes on what it held.
 */
import net from 'node:net';

export type Outage = 'refused' | 'blackhole';

export interface TcpProxy {
  readonly port: number;
  cut(outage: Outage): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  const held: Array<() => void> = [];
  let blackhole = false;
  const forward = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk) => (blackhole ? held.push(() => to.write(chunk)) : to.write(chunk)));
    from.on('end', () => (blackhole ? held.push(() => to.end()) : to.end()));
    from.on('error', () => to.destroy());
    from.once('close', () => {
      open.delete(from);
      to.destroy();
    });
    open.add(from);
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    forward(client, upstream);
    forward(upstream, client);
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  const refuse = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of open) {
        socket.resetAndDestroy();
      }
    });
  const port = await listen(0);
  return {
    port,
    cut: async (outage) => {
      if (outage === 'refused') {
        await refuse();
      } else {
        blackhole = true;
      }
    },
    restore: async () => {
      if (!server.listening) {
        await listen(port);
      }
      blackhole = false;
      held.splice(0).forEach((pass) => pass());
    },
    close: async () => {
      if (server.listening) {
        await refuse();
      }
    },
  };
}
