/**
 * Known operating systems and the architecture/variant alias table (docs/platform-rules.md §1, §2),
 * after containerd's `platforms/database.go`.
 *
 * Normalization table (applied to requests and index entries alike):
 *
 * | input (case-insensitive)          | normalized       |
 * |-----------------------------------|------------------|
 * | os `macos`                        | `darwin`         |
 * | `x86_64`, `x86-64`, `amd64` + `v1`| `amd64`          |
 * | `i386` (any variant)              | `386`            |
 * | `aarch64`                         | `arm64`          |
 * | `arm64` + `8`, `v8`, `v8.0`       | `arm64`          |
 * | `arm64` + `9`, `9.0`, `v9.0`      | `arm64/v9`       |
 * | `armhf` (any variant)             | `arm/v7`         |
 * | `armel` (any variant)             | `arm/v6`         |
 * | `arm` + none or `7`               | `arm/v7`         |
 * | `arm` + `5`, `6`, `8`             | `arm/v5`, `v6`, `v8` |
 *
 * Variants are lower-cased too, as containerd does.
 */

const KNOWN_OS: ReadonlySet<string> = new Set([
  'aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux',
  'nacl', 'netbsd', 'openbsd', 'plan9', 'solaris', 'wasip1', 'windows', 'zos',
]);

/** Whether `os` (already normalized) names a known operating system (§2, one-part specifiers). */
export function isKnownOS(os: string): boolean {
  return KNOWN_OS.has(os);
}

/** Lower-cases an OS name and maps `macos` to `darwin` (§1). */
export function normalizeOS(os: string): string {
  const lower = os.toLowerCase();
  return lower === 'macos' ? 'darwin' : lower;
}

/**
 * Normalizes an architecture and its variant (§1). An empty variant means "none".
 *
 * @example
 * normalizeArch('aarch64', '8') // → ['arm64', '']
 * normalizeArch('arm', '')      // → ['arm', 'v7']
 */
export function normalizeArch(architecture: string, variant: string): [string, string] {
  const arch = architecture.toLowerCase();
  const v = variant.toLowerCase();
  switch (arch) {
    case 'i386':
      return ['386', ''];
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      return ['amd64', v === 'v1' ? '' : v];
    case 'aarch64':
    case 'arm64':
      switch (v) {
        case '8':
        case 'v8':
        case 'v8.0':
          return ['arm64', ''];
        case '9':
        case '9.0':
        case 'v9.0':
          return ['arm64', 'v9'];
        default:
          return ['arm64', v];
      }
    case 'armhf':
      return ['arm', 'v7'];
    case 'armel':
      return ['arm', 'v6'];
    case 'arm':
      switch (v) {
        case '':
        case '7':
          return ['arm', 'v7'];
        case '5':
        case '6':
        case '8':
          return ['arm', `v${v}`];
        default:
          return ['arm', v];
      }
    default:
      return [arch, v];
  }
}
