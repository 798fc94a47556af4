/**
 * The platform value used throughout this module (docs/platform-rules.md §1–§2).
 * `osVersion` / `osFeatures` are the OCI `os.version` / `os.features` fields.
 */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  osVersion?: string;
  osFeatures?: string[];
}

/** A platform object as it appears in an OCI image index / Docker manifest list entry. */
export interface OciPlatform {
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
  features?: string[];
}

/** The parts of an index entry the selector looks at (an OCI descriptor, loosely). */
export interface IndexEntry {
  mediaType: string;
  digest: string;
  size: number;
  platform?: OciPlatform;
  annotations?: Record<string, string>;
}
