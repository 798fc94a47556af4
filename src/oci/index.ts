/**
 * The OCI module: pure functions for the distribution-spec grammar, image names and
 * references, manifest media types, Accept negotiation, digests and manifest parsing.
 * No I/O; runs in workerd and Node alike.
 */
export * from './accept';
export * from './digest';
export * from './grammar';
export * from './manifest';
export * from './manifestSchema';
export * from './mediaTypes';
export * from './reference';
export * from './registryHost';
export * from './RegistryError';
