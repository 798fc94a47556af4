/**
 * Conversion between this module's `Platform` and the OCI `platform` object of an index entry
 * (`os.version`, `os.features`; docs/platform-rules.md §1). No normalization happens here.
 */
import type { OciPlatform, Platform } from './Platform';

/**
 * Reads an OCI/Docker index entry's `platform` object. The obsolete `features` field is ignored.
 *
 * @example
 * fromOciPlatform({ os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.2' })
 * // → { os: 'windows', architecture: 'amd64', osVersion: '10.0.20348.2' }
 */
export function fromOciPlatform(p: OciPlatform): Platform {
  const out: Platform = { os: p.os, architecture: p.architecture };
  if (p.variant !== undefined && p.variant !== '') out.variant = p.variant;
  const version = p['os.version'];
  if (version !== undefined && version !== '') out.osVersion = version;
  const features = p['os.features'];
  if (features !== undefined && features.length > 0) out.osFeatures = [...features];
  return out;
}

/** Writes `p` as an OCI `platform` object, with keys in the image-spec's order. */
export function toOciPlatform(p: Platform): OciPlatform {
  const out: OciPlatform = { architecture: p.architecture, os: p.os };
  if (p.osVersion !== undefined && p.osVersion !== '') out['os.version'] = p.osVersion;
  if (p.osFeatures !== undefined && p.osFeatures.length > 0) out['os.features'] = [...p.osFeatures];
  if (p.variant !== undefined && p.variant !== '') out.variant = p.variant;
  return out;
}
