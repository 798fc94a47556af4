/**
 * End-to-end check of the local demo, as a newcomer would run it: starts `npm start` on a free
 * port, then checks with curl-like requests and a real registry client (skopeo) that
 * - `/resolve/demo/app:1.0?platform=linux/arm64` answers the arm64/v8 child digest;
 * - `skopeo inspect --raw` gets the stored index byte for byte, and its sha256 is the
 *   `Docker-Content-Digest` the worker sent;
 * - skopeo gets a child by digest byte for byte.
 * Prints one line per check and exits non-zero on the first failure.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { CheckReport, startDemo } from './lib/demoProcess';

const report = new CheckReport();
const check = report.check.bind(report);

function skopeoRaw(ref: string): Buffer {
  const result = spawnSync('skopeo', ['inspect', '--raw', '--tls-verify=false', ref]);
  if (result.error) throw new Error(`skopeo: ${result.error.message} (install the Debian package skopeo)`);
  if (result.status !== 0) throw new Error(`skopeo inspect ${ref} failed: ${result.stderr.toString()}`);
  return result.stdout;
}

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

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
  } finally {
    demo.stop();
  }
  report.finish();
}

main().catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
