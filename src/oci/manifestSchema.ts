/**
 * Zod schemas for the manifests this worker reads (OCI image-spec descriptor.md,
 * image-index.md, manifest.md; Docker manifest v2 schema 2, whose manifest list and image
 * manifest have the same shape).
 *
 * Objects are loose: unknown fields are allowed and kept, because manifests are served as the
 * bytes they came in and only the fields below are ever read. Every error message is written
 * for a person ("is required", "must be a string") so that `parseManifest` can quote it.
 */
import { z } from 'zod';
import { isValidDigest } from './grammar';

/** Error options: "is required" for a missing field, else "must be <what>". */
function expected(what: string): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => (issue.input === undefined ? 'is required' : `must be ${what}`) };
}

const string = () => z.string(expected('a string'));
const strings = () => z.array(string(), expected('an array of strings'));
const annotations = () => z.record(z.string(), string(), expected('an object of strings'));

/** The platform of an index entry. */
export const platformSchema = z.looseObject(
  {
    architecture: string(),
    os: string(),
    'os.version': string().optional(),
    'os.features': strings().optional(),
    variant: string().optional(),
    features: strings().optional(),
  },
  expected('an object'),
);

/** A content descriptor: what a manifest points at, by media type, digest and size. */
export const descriptorSchema = z.looseObject(
  {
    mediaType: string().min(1, { error: 'must not be empty' }),
    digest: string().refine(isValidDigest, {
      error: 'must be a sha256 or sha512 digest (algorithm:lower-case hex)',
    }),
    size: z
      .number(expected('a number'))
      .int({ error: 'must be a non-negative integer' })
      .min(0, { error: 'must be a non-negative integer' }),
    urls: strings().optional(),
    annotations: annotations().optional(),
    artifactType: string().optional(),
    data: string().optional(),
    platform: platformSchema.optional(),
  },
  expected('a descriptor object'),
);

const schemaVersion = () => z.literal(2, expected('2'));

/** An OCI image index or a Docker manifest list. */
export const imageIndexSchema = z.looseObject({
  schemaVersion: schemaVersion(),
  mediaType: string().optional(),
  artifactType: string().optional(),
  manifests: z.array(descriptorSchema, expected('an array of descriptors')),
  subject: descriptorSchema.optional(),
  annotations: annotations().optional(),
});

/** An OCI image manifest or a Docker v2 schema 2 manifest. */
export const imageManifestSchema = z.looseObject({
  schemaVersion: schemaVersion(),
  mediaType: string().optional(),
  artifactType: string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema, expected('an array of descriptors')),
  subject: descriptorSchema.optional(),
  annotations: annotations().optional(),
});

/** An index entry's platform, as validated. */
export type ManifestPlatform = z.infer<typeof platformSchema>;
/** A validated descriptor (assignable to `IndexEntry` of the platform module). */
export type Descriptor = z.infer<typeof descriptorSchema>;
/** A validated image index / manifest list. */
export type ImageIndex = z.infer<typeof imageIndexSchema>;
/** A validated image manifest. */
export type ImageManifest = z.infer<typeof imageManifestSchema>;
