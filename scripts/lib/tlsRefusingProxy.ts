/**
 * A loopback TCP front door for a plain-http server that closes TLS connections at once.
 *
 * Registry clients (skopeo, podman: containers/image) told a registry is insecure still try
 * HTTPS first and fall back to http only when that fails. A Go server (docker-registry) answers
 * a TLS hello on its http port straight away, but workerd waits for an HTTP request that never
 * comes, so every client run would stall for the 10 s TLS handshake timeout. This proxy reads
 * the first byte of each connection: 0x16 (a TLS handshake record) → close; anything else →
 * piped both ways to the target, unchanged.
 */
import { connect, createServer, type Socket } from 'node:net';

const TLS_HANDSHAKE_RECORD = 0x16;

export interface TlsRefusingProxy {
  port: number;
  close(): Promise<void>;
}

export async function startTlsRefusingProxy(targetPort: number): Promise<TlsRefusingProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    client.once('data', (first: Buffer) => {
      if (first[0] === TLS_HANDSHAKE_RECORD) {
        client.destroy();
        return;
      }
      client.pause();
      const upstream = connect(targetPort, '127.0.0.1', () => {
        upstream.write(first);
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      sockets.add(upstream);
      upstream.on('close', () => {
        sockets.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('proxy has no address');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
