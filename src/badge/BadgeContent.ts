/** What a badge says, before it is drawn as SVG or written as shields.io endpoint JSON. */
import type { BadgeStyle } from './badgeOptions';

export interface BadgeContent {
  label: string;
  message: string;
  color: string;
  labelColor?: string;
  /** Absent: the renderer's default (flat). */
  style?: BadgeStyle;
  /** The badge reports a failure (not found, unavailable, invalid) rather than platforms. */
  isError: boolean;
}

/** A badge and the HTTP status it goes out with. */
export interface BadgeAnswer {
  content: BadgeContent;
  status: number;
}
