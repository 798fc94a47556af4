/** `util` for char-width-table-consumer, which only calls `promisify` at load (see ./fs.ts). */
export function promisify<T>(fn: T): T {
  return fn;
}
export default { promisify };
