import type { ReactElement } from 'react';
import type { Tone } from '../status-words.js';

/**
 * The headline's icon, drawn as SVG: text glyphs such as ⏸ are missing from many system fonts and
 * showed as a missing-glyph box in both themes. Decorative: the headline's words say the state.
 */
export function ToneIcon({ tone }: { tone: Tone }) {
  return (
    <svg
      className="tone-icon"
      viewBox="0 0 16 16"
      width="14"
      height="14"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      data-tone={tone}
    >
      {SHAPES[tone]}
    </svg>
  );
}

const SHAPES: Record<Tone, ReactElement> = {
  ok: <path d="M3 8.5 6.5 12 13 4.5" />,
  busy: (
    <>
      <path d="M13 8a5 5 0 1 1-1.5-3.6" />
      <path d="M13 2.5v3h-3" />
    </>
  ),
  paused: (
    <>
      <path d="M5.5 3.5v9" />
      <path d="M10.5 3.5v9" />
    </>
  ),
  attention: (
    <>
      <path d="M8 3v6" />
      <path d="M8 12.5v.5" />
    </>
  ),
  offline: (
    <>
      <path d="M2 5.5a9 9 0 0 1 12 0" />
      <path d="M4.5 8.5a5.5 5.5 0 0 1 7 0" />
      <path d="M8 12v.5" />
      <path d="M2.5 13.5 13.5 2.5" />
    </>
  ),
};
