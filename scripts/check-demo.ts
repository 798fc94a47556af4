/**
 * End-to-end check of the local demo, as a newcomer would run it: starts `npm start` on a free
 * port, then checks with curl-like requests and a real registry client (skopeo) that
 * - `/resolve/demo/app:1.0?platform=linux/arm64` answers the arm64/v8 child digest;
 * - `skopeo inspect --raw` gets the stored index byte for byte, and its sha256 is the
 *   `Docker-Content-Digest` the worker sent;
 * - skopeo gets a child by digest byte for byte;
 * - `npm start` looked nothing up on the internet (no `Request.cf` fetch from workers.cloudflare.com);
 * - SIGTERM to the PID of `npm start` (as `kill <pid>` sends) stops everything it started within
 *   a few seconds: the port is free and no process it started (tsx, wrangler, workerd) remains.
 * Prints one line per check and exits non-zero on the first failure.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { CheckReport, descendants, startDemo, stillRunning, type DemoProcess } from './lib/demoProcess';

const report = new CheckReport();
const check = report.check.bind(report);

function skopeoRaw(ref: string): Buffer {
  const result = spawnSync('skopeo', ['inspect', '--raw', '--tls-verify=false', ref]);
  if (result.error) throw new Error(`skopeo: ${result.error.message} (install the Debian package skopeo)`);
  if (result.status !== 0) throw new Error(`skopeo inspect ${ref} failed: ${result.stderr.toString()}`);
  return result.stdout;
}

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** Whether nothing listens on 127.0.0.1:`port` (we can listen there ourselves). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const STOP_SECONDS = 8;

/**
 * Stops the demo as a newcomer would (`kill <PID of npm start>`: SIGTERM to that one process)
 * and checks that within STOP_SECONDS the port is free and nothing it started still runs.
 */
async function checkStopsOnSigterm(demo: DemoProcess, port: number): Promise<void> {
  const started = descendants(demo.pid);
  const workers = started.filter((p) => /wrangler|workerd/.test(p.args));
  check(`npm start runs wrangler and workerd under its PID (${started.length} processes)`, workers.some((p) => /workerd/.test(p.args)));
  process.kill(demo.pid, 'SIGTERM');
  const deadline = Date.now() + STOP_SECONDS * 1000;
  let left = started.filter(stillRunning);
  let free = await portIsFree(port);
  while ((left.length > 0 || !free) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    left = left.filter(stillRunning);
    free = await portIsFree(port);
  }
  check(
    `SIGTERM to npm start's PID frees port ${port} and stops all it started within ${STOP_SECONDS} s`,
    left.length === 0 && free,
    `port ${free ? 'free' : 'still taken'}; still running:\n${left.map((p) => `       ${p.pid} ${p.args.slice(0, 160)}`).join('\n')}`,
  );
  // Whatever the check found, leave nothing behind.
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

async function main(): Promise<void> {
  const demo = await startDemo();
  const { base } = demo;
  const port = new URL(base).port;
  try {
    const platforms = (await (await fetch(`${base}/platforms/demo/app:1.0`)).json()) as {
      digest: string;
      platforms: { platform: string; digest: string }[];
    };
    const arm64 = platforms.platforms.find((p) => p.platform === 'linux/arm64/v8');
    check('the demo tag offers linux/arm64/v8 among 10 platforms', platforms.platforms.length === 10 && arm64 !== undefined);

    const resolved = await (await fetch(`${base}/resolve/demo/app:1.0?platform=linux/arm64`, { headers: { Accept: 'text/plain' } })).text();
    check('curl /resolve/demo/app:1.0?platform=linux/arm64 prints the arm64/v8 child digest', resolved === `${arm64?.digest}\n`, `got ${JSON.stringify(resolved)}`);

    const head = await fetch(`${base}/v2/demo/app/manifests/1.0`, {
      method: 'HEAD',
      headers: { Accept: 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json' },
    });
    const sent = head.headers.get('Docker-Content-Digest');
    const raw = skopeoRaw(`docker://127.0.0.1:${port}/demo/app:1.0`);
    check('skopeo inspect --raw gets the index whose sha256 is the Docker-Content-Digest sent', sha256(raw) === sent && sent === platforms.digest, `sha256 ${sha256(raw)}, header ${sent}`);

    const child = skopeoRaw(`docker://127.0.0.1:${port}/demo/app@${arm64?.digest}`);
    check('skopeo inspect --raw by digest gets that child byte for byte', sha256(child) === arm64?.digest);

    const cfWarning = demo.log().split('\n').filter((line) => /Request\.cf|workers\.cloudflare\.com/.test(line));
    check('npm start looks nothing up on the internet (no Request.cf fetch from workers.cloudflare.com)', cfWarning.length === 0, cfWarning.join('\n     '));

    await checkStopsOnSigterm(demo, Number(port));
  } finally {
    demo.stop();
  }
  report.finish();
}

main().catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
