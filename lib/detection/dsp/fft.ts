// In-place iterative radix-2 Cooley–Tukey FFT (no dependency; sizes are powers of two).

const twiddleCache = new Map<number, { cos: Float64Array; sin: Float64Array; rev: Uint32Array }>();

function plan(n: number) {
  let p = twiddleCache.get(n);
  if (p) return p;
  if (n < 1 || (n & (n - 1)) !== 0) throw new Error(`FFT size must be a power of two, got ${n}`);
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = -Math.sin((2 * Math.PI * k) / n);
  }
  const bits = Math.log2(n);
  const rev = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = r;
  }
  p = { cos, sin, rev };
  twiddleCache.set(n, p);
  return p;
}

/** Forward DFT of (re, im) in place: X[k] = Σ x[n] e^{-2πikn/N}. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  const { cos, sin, rev } = plan(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i]!;
    if (j > i) {
      const tr = re[i]!; re[i] = re[j]!; re[j] = tr;
      const ti = im[i]!; im[i] = im[j]!; im[j] = ti;
    }
  }
  if (n < 2) return;
  // First stage: every twiddle is 1.
  for (let a = 0; a < n; a += 2) {
    const b = a + 1;
    const xr = re[b]!;
    const xi = im[b]!;
    re[b] = re[a]! - xr;
    im[b] = im[a]! - xi;
    re[a] = re[a]! + xr;
    im[a] = im[a]! + xi;
  }
  // Twiddle outer, butterflies inner: each twiddle is loaded once per stage.
  for (let size = 4; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    for (let k = 0; k < half; k++) {
      const wr = cos[k * step]!;
      const wi = sin[k * step]!;
      for (let a = k; a < n; a += size) {
        const b = a + half;
        const br = re[b]!;
        const bi = im[b]!;
        const xr = br * wr - bi * wi;
        const xi = br * wi + bi * wr;
        const ar = re[a]!;
        const ai = im[a]!;
        re[b] = ar - xr;
        im[b] = ai - xi;
        re[a] = ar + xr;
        im[a] = ai + xi;
      }
    }
  }
}

const scratchCache = new Map<number, { re: Float64Array; im: Float64Array; zr: Float64Array; zi: Float64Array }>();

function scratch(n: number) {
  let s = scratchCache.get(n);
  if (!s) {
    const h = (n >> 1) + 1;
    s = { re: new Float64Array(n * h), im: new Float64Array(n * h), zr: new Float64Array(n), zi: new Float64Array(n) };
    scratchCache.set(n, s);
  }
  return s;
}

/**
 * 2-D FFT of an n×n real tile; returns the power spectrum |X|² (row-major, DC at 0,0), or adds it
 * into `acc` when given (Welch averaging without an allocation per tile).
 * Real input allows two savings: rows are transformed in pairs packed as one complex signal
 * (x = a + i·b, then A[k] = (X[k] + X*[−k])/2, B[k] = (X[k] − X*[−k])/2i), and only columns 0..n/2 are
 * kept and transformed because the power spectrum is point-symmetric (P[−ky][−kx] = P[ky][kx]).
 * Scratch buffers are reused per size (the engine is single-threaded JS).
 */
export function powerSpectrum2d(tile: Float64Array, n: number, acc?: Float64Array): Float64Array {
  const { re, im, zr, zi } = scratch(n);
  const h = (n >> 1) + 1;
  for (let y = 0; y < n; y += 2) {
    const y2 = Math.min(y + 1, n - 1);
    for (let x = 0; x < n; x++) { zr[x] = tile[y * n + x]!; zi[x] = y2 === y ? 0 : tile[y2 * n + x]!; }
    fft(zr, zi);
    for (let k = 0; k < h; k++) {
      const m = k === 0 ? 0 : n - k;
      re[y * h + k] = (zr[k]! + zr[m]!) / 2;
      im[y * h + k] = (zi[k]! - zi[m]!) / 2;
      if (y2 !== y) {
        re[y2 * h + k] = (zi[k]! + zi[m]!) / 2;
        im[y2 * h + k] = -(zr[k]! - zr[m]!) / 2;
      }
    }
  }
  const p = acc ?? new Float64Array(n * n);
  for (let x = 0; x < h; x++) {
    for (let y = 0; y < n; y++) { zr[y] = re[y * h + x]!; zi[y] = im[y * h + x]!; }
    fft(zr, zi);
    // Columns 0 and n/2 are their own mirror images: every row of them is computed directly.
    const mirror = x !== 0 && x !== n >> 1;
    for (let y = 0; y < n; y++) {
      const v = zr[y]! * zr[y]! + zi[y]! * zi[y]!;
      p[y * n + x]! += v;
      if (mirror) p[((n - y) % n) * n + (n - x)]! += v;
    }
  }
  return p;
}
