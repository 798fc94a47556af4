/**
 * Lists of image references for scripts: one `name:tag` per line, blank lines and `#` comments
 * (whole-line or after whitespace) ignored.
 *
 * @example parseImageList('# base images\ngolang:1.23\nghcr.io/o/app:v1  # ours\n') // → ['golang:1.23', 'ghcr.io/o/app:v1']
 */
export function parseImageList(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '');
}
