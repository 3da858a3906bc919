/**
 * Draws believable tray photos for the seed data: a core tray (rows of broken core in a wooden
 * box) or a chip tray (a grid of compartments), with a box label, rendered from SVG by sharp.
 * Deterministic per label so restarts and test runs see the same pictures.
 */
import sharp from 'sharp';

export interface TrayPicture {
  kind: 'coretray' | 'chiptray';
  label: string;
  wet: boolean;
  format: 'jpeg' | 'png';
  width?: number;
  height?: number;
}

/** A small seeded PRNG (mulberry32) so the same label always gives the same picture. */
function randomFrom(text: string): () => number {
  let seed = 0;
  for (const ch of text) seed = (Math.imul(seed, 31) + ch.charCodeAt(0)) | 0;
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function rockColour(random: () => number, wet: boolean): string {
  const hue = 15 + Math.floor(random() * 60);
  const saturation = (wet ? 40 : 18) + Math.floor(random() * 15);
  const lightness = (wet ? 22 : 42) + Math.floor(random() * 22);
  return `hsl(${hue},${saturation}%,${lightness}%)`;
}

function coreRows(width: number, height: number, random: () => number, wet: boolean): string {
  const shapes: string[] = [];
  const rows = 5;
  const top = 90;
  const rowHeight = (height - top - 30) / rows;
  for (let r = 0; r < rows; r++) {
    const y = top + r * rowHeight + rowHeight * 0.12;
    const h = rowHeight * 0.76;
    shapes.push(`<rect x="50" y="${y - 6}" width="${width - 100}" height="${h + 12}" fill="#3e2f20"/>`);
    let x = 60;
    while (x < width - 70) {
      const w = Math.min(40 + random() * 220, width - 70 - x);
      shapes.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" rx="${(h / 4).toFixed(1)}" fill="${rockColour(random, wet)}"/>`);
      if (random() < 0.5) {
        const vx = x + random() * w;
        shapes.push(`<line x1="${vx.toFixed(1)}" y1="${y.toFixed(1)}" x2="${(vx + 12).toFixed(1)}" y2="${(y + h).toFixed(1)}" stroke="#eee8d5" stroke-width="3" opacity="0.8"/>`);
      }
      x += w + 3 + random() * 8;
    }
  }
  return shapes.join('');
}

function chipGrid(width: number, height: number, random: () => number, wet: boolean): string {
  const shapes: string[] = [];
  const cols = 10;
  const rows = 2;
  const cellW = (width - 100) / cols;
  const cellH = (height - 130) / rows;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = 50 + c * cellW;
      const y = 100 + r * cellH;
      shapes.push(`<rect x="${x + 6}" y="${y + 6}" width="${cellW - 12}" height="${cellH - 12}" fill="#2b2b2b"/>`);
      const base = rockColour(random, wet);
      for (let i = 0; i < 40; i++) {
        const cx = x + 14 + random() * (cellW - 28);
        const cy = y + 14 + random() * (cellH - 28);
        shapes.push(`<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${(3 + random() * 7).toFixed(1)}" fill="${i % 5 === 0 ? rockColour(random, wet) : base}"/>`);
      }
    }
  }
  return shapes.join('');
}

const escapeXml = (text: string) => text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

// Reseeding (admin reset, one emulator per test file) draws the same pictures again: keep them.
const drawn = new Map<string, Promise<Buffer>>();

/** Renders the picture to encoded bytes (JPEG or PNG); the same picture is drawn once per process. */
export function drawTrayPicture(picture: TrayPicture): Promise<Buffer> {
  const key = JSON.stringify(picture);
  let bytes = drawn.get(key);
  if (!bytes) {
    bytes = render(picture);
    drawn.set(key, bytes);
    bytes.catch(() => drawn.delete(key));
  }
  return bytes;
}

async function render(picture: TrayPicture): Promise<Buffer> {
  const width = picture.width ?? 1600;
  const height = picture.height ?? 700;
  const random = randomFrom(`${picture.label}|${picture.wet}`);
  const body = picture.kind === 'coretray' ? coreRows(width, height, random, picture.wet) : chipGrid(width, height, random, picture.wet);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="${width}" height="${height}" fill="#8a6a45"/>
    <rect x="30" y="70" width="${width - 60}" height="${height - 90}" fill="#5b4630"/>
    ${body}
    <rect x="40" y="12" width="720" height="48" fill="#f4f1e8"/>
    <text x="54" y="47" font-family="sans-serif" font-size="30" fill="#111">${escapeXml(picture.label)}</text>
  </svg>`;
  const image = sharp(Buffer.from(svg));
  return picture.format === 'png' ? image.png({ compressionLevel: 6 }).toBuffer() : image.jpeg({ quality: 82 }).toBuffer();
}
