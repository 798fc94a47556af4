/** Test helper: the RegistryError a promise rejects with (fails the test on anything else). */
import { RegistryError } from '../../src/oci/RegistryError';

export async function caught(promise: Promise<unknown>): Promise<RegistryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RegistryError) return error;
    throw error;
  }
  throw new Error('expected a RegistryError, but the promise resolved');
}

/** Everything of an error a client could see or a log could keep, as one string. */
export function visible(error: RegistryError): string {
  return JSON.stringify({ message: error.message, detail: error.detail, headers: error.headers, stack: error.stack });
}
