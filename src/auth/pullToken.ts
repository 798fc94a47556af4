/**
 * The worker's own short-lived bearer tokens, issued by `GET /token` in the registry token flow
 * (docker, podman, skopeo and containerd fetch one after a `Bearer` challenge):
 * `pt1.<grant>.<expires>.<signature>`, where the grant is `pull` (the client proved a
 * PULL_TOKEN) or `anonymous`, `expires` is in seconds since the epoch, and the signature is
 * HMAC-SHA-256 over the rest, keyed by the configured PULL_TOKENs. Changing PULL_TOKEN
 * therefore revokes every token issued before; a client asks for a new one on its next 401.
 */

export type Grant = 'pull' | 'anonymous';

/** Seconds a token is valid, as Docker Hub's. */
export const TOKEN_LIFETIME = 300;

export interface IssuedToken {
  token: string;
  expiresIn: number;
  issuedAt: string;
}

const TOKEN = /^pt1\.(pull|anonymous)\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$/;
const encoder = new TextEncoder();
const keys = new WeakMap<readonly string[], Promise<CryptoKey>>();

function signingKey(secrets: readonly string[]): Promise<CryptoKey> {
  let key = keys.get(secrets);
  if (!key) {
    const material = encoder.encode(`pull-token-v1\n${secrets.join('\n')}`);
    key = crypto.subtle.importKey('raw', material, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    keys.set(secrets, key);
  }
  return key;
}

/** A token for `grant`, valid for TOKEN_LIFETIME seconds from `nowMs`. */
export async function issueToken(grant: Grant, secrets: readonly string[], nowMs: number): Promise<IssuedToken> {
  const expires = Math.floor(nowMs / 1000) + TOKEN_LIFETIME;
  const payload = `pt1.${grant}.${expires}`;
  const signature = await crypto.subtle.sign('HMAC', await signingKey(secrets), encoder.encode(payload));
  return { token: `${payload}.${base64url(new Uint8Array(signature))}`, expiresIn: TOKEN_LIFETIME, issuedAt: new Date(nowMs).toISOString() };
}

/** The grant of a token this worker issued with `secrets` and that has not expired; else undefined. */
export async function verifyToken(token: string, secrets: readonly string[], nowMs: number): Promise<Grant | undefined> {
  const match = TOKEN.exec(token);
  if (!match || secrets.length === 0) return undefined;
  const [, grant, expires, signature] = match as unknown as [string, Grant, string, string];
  if (Number(expires) * 1000 <= nowMs) return undefined;
  const payload = `pt1.${grant}.${expires}`;
  const valid = await crypto.subtle.verify('HMAC', await signingKey(secrets), fromBase64url(signature), encoder.encode(payload));
  return valid ? grant : undefined;
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
