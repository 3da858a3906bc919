/**
 * The one sanitiser for colours a server gives (Dougal label colours, Imago colour attributes):
 * a colour is drawn only when it is plainly a colour, and reduced to `#rrggbb` so every place that
 * draws it (label chips, the strip log's SVG, report swatches, printed PDFs) gets the same value.
 *
 * Why not hand the text to CSS: a value such as `red;background:url(http://…)` or
 * `expression(…)` is refused by the browser when set through a `style` property, but the same
 * text in an SVG `fill`, a style sheet or a PDF template is not, and black-or-white text on the
 * chip needs the colour's brightness, which only a parsed colour has.
 */

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** The CSS named colours servers are seen to send; anything else named is not drawn. */
const NAMED: Record<string, string> = {
  black: '#000000', white: '#ffffff', red: '#ff0000', green: '#008000', blue: '#0000ff', yellow: '#ffff00',
  orange: '#ffa500', purple: '#800080', pink: '#ffc0cb', brown: '#a52a2a', grey: '#808080', gray: '#808080',
  cyan: '#00ffff', magenta: '#ff00ff', lime: '#00ff00', navy: '#000080', teal: '#008080', maroon: '#800000',
  olive: '#808000', silver: '#c0c0c0', gold: '#ffd700', violet: '#ee82ee', indigo: '#4b0082', aqua: '#00ffff',
  fuchsia: '#ff00ff', lightgrey: '#d3d3d3', lightgray: '#d3d3d3', darkgrey: '#a9a9a9', darkgray: '#a9a9a9',
  lightblue: '#add8e6', lightgreen: '#90ee90', darkred: '#8b0000', darkgreen: '#006400', darkblue: '#00008b',
};

const HEX = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
/** `rgb(1, 2, 3)`, `rgba(1 2 3 / 50%)`: three numbers 0–255 (or percentages), any alpha ignored. */
const RGB = /^rgba?\(\s*(\d{1,3}(?:\.\d+)?%?)\s*[, ]\s*(\d{1,3}(?:\.\d+)?%?)\s*[, ]\s*(\d{1,3}(?:\.\d+)?%?)\s*(?:[,/]\s*\d*(?:\.\d+)?%?\s*)?\)$/i;

/** The colour as red, green and blue, or null when it is not plainly a colour. */
export function parseColour(value: unknown): Rgb | null {
  if (typeof value !== 'string' || value.length > 64) return null;
  const text = value.trim().toLowerCase();
  const hex = HEX.exec(NAMED[text] ?? text)?.[1];
  if (hex) {
    const full = hex.length <= 4 ? [...hex.slice(0, 3)].map((c) => c + c).join('') : hex.slice(0, 6);
    return { r: parseInt(full.slice(0, 2), 16), g: parseInt(full.slice(2, 4), 16), b: parseInt(full.slice(4, 6), 16) };
  }
  const rgb = RGB.exec(text);
  if (!rgb) return null;
  const channel = (part: string) => Math.round(Math.min(255, part.endsWith('%') ? (parseFloat(part) * 255) / 100 : parseFloat(part)));
  return { r: channel(rgb[1]!), g: channel(rgb[2]!), b: channel(rgb[3]!) };
}

/** `#rrggbb` for a colour a server gave, or null when it is anything else (then nothing is drawn). */
export function safeCssColour(value: unknown): string | null {
  const rgb = parseColour(value);
  return rgb && `#${[rgb.r, rgb.g, rgb.b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** Black or white text, whichever reads better on the colour (the colour must be a safe one). */
export function inkOn(colour: string): '#111111' | '#ffffff' {
  const rgb = parseColour(colour);
  return rgb && 0.299 * rgb.r + 0.587 * rgb.g + 0.114 * rgb.b <= 150 ? '#ffffff' : '#111111';
}
