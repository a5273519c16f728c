// Draws resources/icon.png (the shapes of icon.svg) with plain Node: 4x4 supersampling, zlib-compressed PNG.
// Run: node resources/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 256;
const SAMPLES = 4;
const NODES = [
  [128, 80],
  [76, 172],
  [180, 172],
];
const EDGES = [
  [0, 1],
  [0, 2],
  [1, 2],
];
const TILE_FROM = [0x1f, 0x6f, 0x78];
const TILE_TO = [0x14, 0x3f, 0x45];

function insideRoundedRect(x, y, size, radius) {
  const cx = Math.min(Math.max(x, radius), size - radius);
  const cy = Math.min(Math.max(y, radius), size - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

function distanceToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Colour (premultiplied RGBA, 0..1) of one sample point. */
function sample(x, y) {
  if (!insideRoundedRect(x, y, SIZE, 56)) return [0, 0, 0, 0];
  const t = (x + y) / (2 * SIZE);
  let rgb = TILE_FROM.map((c, i) => (c + (TILE_TO[i] - c) * t) / 255);
  if (EDGES.some(([a, b]) => distanceToSegment(x, y, NODES[a], NODES[b]) <= 6)) rgb = rgb.map((c) => c * 0.28 + 0.72);
  if (NODES.some(([cx, cy]) => Math.hypot(x - cx, y - cy) <= 24)) rgb = [1, 1, 1];
  return [...rgb, 1];
}

const rows = [];
for (let y = 0; y < SIZE; y++) {
  const row = Buffer.alloc(1 + SIZE * 4);
  for (let x = 0; x < SIZE; x++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const [r, g, b, a] = sample(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES);
        acc[0] += r * a;
        acc[1] += g * a;
        acc[2] += b * a;
        acc[3] += a;
      }
    }
    const alpha = acc[3] / (SAMPLES * SAMPLES);
    const o = 1 + x * 4;
    for (let i = 0; i < 3; i++) row[o + i] = alpha === 0 ? 0 : Math.round((acc[i] / acc[3]) * 255);
    row[o + 3] = Math.round(alpha * 255);
  }
  rows.push(row);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('./icon.png', import.meta.url), png);
console.log(`wrote resources/icon.png (${SIZE}x${SIZE}, ${png.length} bytes)`);
