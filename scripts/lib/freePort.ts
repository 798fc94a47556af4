/** A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it). */
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/** Polls `url` until it answers with any HTTP status (a 401 counts: the server is up). */
export async function waitForHttp(url: string, seconds: number, describe: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      await (await fetch(url)).arrayBuffer();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${seconds} s${describe()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
