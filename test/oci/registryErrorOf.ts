/** Test helper: runs `fn` and returns the RegistryError it throws, as `{ code, message }`. */
import { RegistryError } from '../../src/oci/RegistryError';

export function registryErrorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof RegistryError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a RegistryError, but nothing was thrown');
}

/** The same for an async function. */
export async function registryErrorOfAsync(fn: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof RegistryError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a RegistryError, but nothing was thrown');
}
