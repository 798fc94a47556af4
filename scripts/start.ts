/**
 * `npm start`: seeds local KV with the demo image and runs the worker under workerd
 * (`wrangler dev`), offline and without a Cloudflare account.
 *
 *   PORT=8787 npm start
 */
import { demoPlan, DEMO_NAME } from './lib/demo';
import { fail, spawnWrangler } from './lib/project';
import { seed } from './seed';

const port = process.env.PORT ?? '8787';
/** Only for the local demo; production sets a real secret with `wrangler secret put ADMIN_TOKEN`. */
const DEMO_ADMIN_TOKEN = 'demo-admin-token';

async function main(): Promise<void> {
  console.log('Seeding local KV with the demo image:');
  await seed(await demoPlan(), { remote: false });
  const base = `http://127.0.0.1:${port}`;
  console.log(`
Starting the worker on ${base} — try:
  curl ${base}/resolve/${DEMO_NAME}:1.0?platform=linux/arm64
  curl -H 'Accept: text/plain' ${base}/resolve/${DEMO_NAME}:1.0?platform=linux/arm/v7
  curl ${base}/platforms/${DEMO_NAME}:1.0
  curl -H 'Accept: application/vnd.oci.image.index.v1+json' ${base}/v2/${DEMO_NAME}/manifests/1.0
  (admin token for this demo: ${DEMO_ADMIN_TOKEN})
`);
  const child = spawnWrangler([
    'dev', '--ip', '127.0.0.1', '--port', port, '--show-interactive-dev-session=false',
    '--var', `ADMIN_TOKEN:${DEMO_ADMIN_TOKEN}`,
    // Offline by default: the demo is served from KV alone. UPSTREAMS=… npm start pulls through.
    '--var', `UPSTREAMS:${process.env.UPSTREAMS ?? ''}`,
  ]);
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code) => process.exit(code ?? 0));
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
