/**
 * Turns an MNIST digit (28×28 grey bytes) into pen strokes at the drawing canvas's scale, so a
 * test can draw it the way a person would, through the page's pointer events: upsample 2× to
 * 56×56 (bilinear), threshold at half intensity, thin to a one-pixel skeleton (Zhang & Suen
 * 1984), trace the skeleton into polylines, and scale them to the canvas. The page's pen is
 * 20 px wide on a 280 px canvas, 2 MNIST pixels: about the width of MNIST's own strokes.
 */

const N = 56;

/** 28×28 bytes → 56×56 booleans (bilinear upsampling, then a threshold at 128). */
export function upsampleThreshold(digit: ArrayLike<number>, threshold = 128): Uint8Array {
  const out = new Uint8Array(N * N);
  const at = (x: number, y: number) => digit[Math.min(27, Math.max(0, y)) * 28 + Math.min(27, Math.max(0, x))];
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      // centre of the fine pixel in coarse coordinates
      const fx = (x + 0.5) / 2 - 0.5;
      const fy = (y + 0.5) / 2 - 0.5;
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const tx = fx - x0;
      const ty = fy - y0;
      const v =
        (1 - tx) * (1 - ty) * at(x0, y0) + tx * (1 - ty) * at(x0 + 1, y0) + (1 - tx) * ty * at(x0, y0 + 1) + tx * ty * at(x0 + 1, y0 + 1);
      out[y * N + x] = v >= threshold ? 1 : 0;
    }
  }
  return out;
}

// neighbours P2..P9 clockwise from north, as Zhang–Suen number them
const RING: readonly [number, number][] = [
  [0, -1],
  [1, -1],
  [1, 0],
  [1, 1],
  [0, 1],
  [-1, 1],
  [-1, 0],
  [-1, -1],
];

/** Zhang–Suen thinning of a 56×56 binary image (in place); returns it. */
export function thin(image: Uint8Array): Uint8Array {
  const get = (x: number, y: number) => (x < 0 || y < 0 || x >= N || y >= N ? 0 : image[y * N + x]);
  let changed = true;
  while (changed) {
    changed = false;
    for (const pass of [0, 1]) {
      const remove: number[] = [];
      for (let y = 0; y < N; y++) {
        for (let x = 0; x < N; x++) {
          if (!image[y * N + x]) continue;
          const p = RING.map(([dx, dy]) => get(x + dx, y + dy));
          const b = p.reduce((a, v) => a + v, 0);
          if (b < 2 || b > 6) continue;
          let a = 0;
          for (let i = 0; i < 8; i++) if (p[i] === 0 && p[(i + 1) % 8] === 1) a++;
          if (a !== 1) continue;
          const [p2, , p4, , p6, , p8] = p;
          if (pass === 0 ? p2 * p4 * p6 === 0 && p4 * p6 * p8 === 0 : p2 * p4 * p8 === 0 && p2 * p6 * p8 === 0) remove.push(y * N + x);
        }
      }
      for (const i of remove) image[i] = 0;
      if (remove.length) changed = true;
    }
  }
  return image;
}

/** The skeleton as polylines of [x, y] pixel indices (every skeleton pixel and link covered). */
export function trace(skeleton: Uint8Array): [number, number][][] {
  const on = (x: number, y: number) => x >= 0 && y >= 0 && x < N && y < N && skeleton[y * N + x] === 1;
  const visited = new Uint8Array(N * N);
  const neighbours = (x: number, y: number) =>
    // 4-neighbours first, so a walk follows the line rather than cutting corners
    [RING[0], RING[2], RING[4], RING[6], RING[1], RING[3], RING[5], RING[7]]
      .map(([dx, dy]) => [x + dx, y + dy] as [number, number])
      .filter(([nx, ny]) => on(nx, ny));
  const degree = (x: number, y: number) => neighbours(x, y).length;
  const pixels: [number, number][] = [];
  for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) if (on(x, y)) pixels.push([x, y]);
  // endpoints first, then whatever is left (loops such as a 0 have no endpoint)
  pixels.sort((a, b) => (degree(a[0], a[1]) === 1 ? 0 : 1) - (degree(b[0], b[1]) === 1 ? 0 : 1));
  const lines: [number, number][][] = [];
  for (const [sx, sy] of pixels) {
    if (visited[sy * N + sx]) continue;
    const line: [number, number][] = [];
    // join the new line to an already drawn neighbour, so junctions are not left open
    const joined = neighbours(sx, sy).find(([nx, ny]) => visited[ny * N + nx]);
    if (joined) line.push(joined);
    let current: [number, number] | undefined = [sx, sy];
    while (current) {
      const [cx, cy] = current;
      visited[cy * N + cx] = 1;
      line.push(current);
      current = neighbours(cx, cy).find(([nx, ny]) => !visited[ny * N + nx]);
    }
    // close a loop: the last pixel touching the first
    const [fx, fy] = line[joined ? 1 : 0];
    const [lx, ly] = line[line.length - 1];
    if (line.length > 3 && Math.abs(fx - lx) <= 1 && Math.abs(fy - ly) <= 1) line.push([fx, fy]);
    lines.push(line);
  }
  return lines;
}

/** Ramer–Douglas–Peucker: drops points within `epsilon` of the line through their neighbours (fewer pointer events, same strokes). */
export function simplify(line: [number, number][], epsilon: number): [number, number][] {
  if (line.length < 3) return line;
  const [ax, ay] = line[0];
  const [bx, by] = line[line.length - 1];
  const length = Math.hypot(bx - ax, by - ay);
  let worst = 0;
  let at = 0;
  for (let i = 1; i < line.length - 1; i++) {
    const [px, py] = line[i];
    const d = length === 0 ? Math.hypot(px - ax, py - ay) : Math.abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length;
    if (d > worst) {
      worst = d;
      at = i;
    }
  }
  if (worst <= epsilon) return [line[0], line[line.length - 1]];
  return [...simplify(line.slice(0, at + 1), epsilon).slice(0, -1), ...simplify(line.slice(at), epsilon)];
}

/** Pen strokes for a 28×28 digit on a `canvasSize` canvas: polylines of [x, y] in canvas pixels. */
export function digitStrokes(digit: ArrayLike<number>, canvasSize = 280): [number, number][][] {
  const scale = canvasSize / N;
  return trace(thin(upsampleThreshold(digit))).map((line) =>
    simplify(line, 0.75).map(([x, y]) => [(x + 0.5) * scale, (y + 0.5) * scale] as [number, number]),
  );
}
