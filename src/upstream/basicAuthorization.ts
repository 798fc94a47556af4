/**
 * The HTTP Basic `Authorization` value (RFC 7617), with the user-id and password encoded as
 * UTF-8 (its `charset="UTF-8"` rule) so that non-ASCII credentials work.
 */

/** Credentials of an upstream registry (UpstreamConfig.credentials). */
export interface Credentials {
  username: string;
  password: string;
}

/**
 * `Basic <base64(user:password)>`.
 * @example basicAuthorization({ username: 'aladdin', password: 'opensesame' }) // → 'Basic YWxhZGRpbjpvcGVuc2VzYW1l'
 */
export function basicAuthorization({ username, password }: Credentials): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}
