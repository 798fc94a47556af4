/**
 * Writes the demo multi-platform image (scripts/lib/ociLayout.ts) as an OCI image layout, offline,
 * ready for `skopeo copy --all oci:DIR:TAG docker://HOST/REPO:TAG`.
 *
 *   npx tsx scripts/make-demo-image.ts --out DIR [--tag latest] [--docker] [--no-attestations]
 *                                      [--platforms linux/amd64,linux/arm64/v8,windows/amd64:10.0.20348.2966]
 *
 * Prints the index digest and one row per platform. Exit status: 0 on success, 2 on bad arguments,
 * 1 when building or writing fails.
 */
import {
  buildMultiPlatformImage,
  DEMO_PLATFORMS,
  formatPlatform,
  parsePlatformSpec,
  TAG_PATTERN,
  writeOciLayout,
  type BuildOptions,
  type ImagePlatform,
} from './lib/ociLayout';

const USAGE = `usage: npx tsx scripts/make-demo-image.ts --out DIR [--tag latest] [--docker] [--no-attestations]
       [--platforms os/arch[/variant][:os.version],...]   (default: the ${DEMO_PLATFORMS.length} demo platforms)`;

interface CliArgs {
  out: string;
  tag: string;
  options: BuildOptions;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): CliArgs | 'help' {
  let out: string | undefined;
  let tag = 'latest';
  let mediaTypes: 'oci' | 'docker' = 'oci';
  let attestations = true;
  let platforms: ImagePlatform[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--out': out = value(); break;
      case '--tag': tag = value(); break;
      case '--docker': mediaTypes = 'docker'; break;
      case '--no-attestations': attestations = false; break;
      case '--platforms':
        try {
          platforms = value().split(',').filter((s) => s.trim() !== '').map(parsePlatformSpec);
        } catch (e) {
          throw new UsageError(e instanceof Error ? e.message : String(e));
        }
        if (platforms.length === 0) throw new UsageError('--platforms needs at least one platform');
        break;
      case '--help': case '-h': return 'help';
      default: throw new UsageError(`unknown argument "${arg}"`);
    }
  }
  if (out === undefined) throw new UsageError('--out DIR is required');
  if (!TAG_PATTERN.test(tag)) throw new UsageError(`invalid tag "${tag}": expected ${TAG_PATTERN.source}`);
  const seen = new Set<string>();
  for (const p of platforms ?? []) {
    const key = formatPlatform(p);
    if (seen.has(key)) throw new UsageError(`platform "${key}" given twice`);
    seen.add(key);
  }
  return { out, tag, options: { mediaTypes, attestations, ...(platforms ? { platforms } : {}) } };
}

async function main(argv: readonly string[]): Promise<number> {
  let args: CliArgs | 'help';
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`make-demo-image: ${e.message}\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  const { out, tag, options } = args;
  const count = options.platforms?.length ?? DEMO_PLATFORMS.length;
  console.log(`building ${count} platform image(s), ${options.mediaTypes} media types, attestations ${options.attestations ? 'on' : 'off'}…`);
  const image = await buildMultiPlatformImage(options);
  const bytes = [...image.blobs.values()].reduce((n, b) => n + b.length, 0);
  console.log(`writing ${image.blobs.size} blobs (${bytes} bytes) to ${out} …`);
  await writeOciLayout(out, image, tag);
  console.log(`\nindex  ${image.index.digest}  ${image.index.mediaType}  ${image.index.size} bytes`);
  // skopeo 1.9 finds a Docker manifest list only through `oci:DIR` (see layoutIndexJson).
  const ref = options.mediaTypes === 'docker' ? `oci:${out}` : `oci:${out}:${tag}`;
  console.log(`push   skopeo copy --all ${ref} docker://HOST/REPO:${tag}\n`);
  const rows = image.children.map((c) => [formatPlatform(c.platform), c.manifest.digest, c.attestation?.digest ?? '-']);
  const width = Math.max('platform'.length, ...rows.map((r) => r[0]?.length ?? 0));
  console.log(`${'platform'.padEnd(width)}  ${'manifest'.padEnd(71)}  attestation`);
  for (const [platform, manifest, attestation] of rows) console.log(`${platform?.padEnd(width)}  ${manifest}  ${attestation}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code: number) => process.exit(code),
  (e: unknown) => {
    console.error(`make-demo-image: failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
