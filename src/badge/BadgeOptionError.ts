/**
 * A badge query option that cannot be accepted (`?style=round`, `?color=<script>`). It becomes a
 * 400 "invalid <option>" badge in badgeError.ts; it quotes the input, as every error here does.
 */
export class BadgeOptionError extends Error {
  /** The query parameter, e.g. `style`. */
  readonly option: string;

  constructor(option: string, input: string, reason: string) {
    super(`invalid ${option} ${JSON.stringify(input)}: ${reason}`);
    this.name = 'BadgeOptionError';
    this.option = option;
  }
}
