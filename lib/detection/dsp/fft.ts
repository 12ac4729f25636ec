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
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step]!;
        const wi = sin[k * step]!;
        const a = start + k;
        const b = a + half;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

/**
 * 2-D FFT of an n×n real tile; returns the power spectrum |X|² (row-major, DC at 0,0).
 * Real input allows two savings: rows are transformed in pairs packed as one complex signal
 * (x = a + i·b, then A[k] = (X[k] + X*[−k])/2, B[k] = (X[k] − X*[−k])/2i), and only columns 0..n/2 are
 * transformed because the power spectrum is point-symmetric (P[−ky][−kx] = P[ky][kx]).
 */
export function powerSpectrum2d(tile: Float64Array, n: number): Float64Array {
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  const zr = new Float64Array(n);
  const zi = new Float64Array(n);
  for (let y = 0; y < n; y += 2) {
    const y2 = Math.min(y + 1, n - 1);
    for (let x = 0; x < n; x++) { zr[x] = tile[y * n + x]!; zi[x] = y2 === y ? 0 : tile[y2 * n + x]!; }
    fft(zr, zi);
    for (let k = 0; k < n; k++) {
      const m = (n - k) % n;
      re[y * n + k] = (zr[k]! + zr[m]!) / 2;
      im[y * n + k] = (zi[k]! - zi[m]!) / 2;
      if (y2 !== y) {
        re[y2 * n + k] = (zi[k]! + zi[m]!) / 2;
        im[y2 * n + k] = -(zr[k]! - zr[m]!) / 2;
      }
    }
  }
  const p = new Float64Array(n * n);
  for (let x = 0; x <= n / 2; x++) {
    for (let y = 0; y < n; y++) { zr[y] = re[y * n + x]!; zi[y] = im[y * n + x]!; }
    fft(zr, zi);
    for (let y = 0; y < n; y++) {
      const v = zr[y]! * zr[y]! + zi[y]! * zi[y]!;
      p[y * n + x] = v;
      p[((n - y) % n) * n + ((n - x) % n)] = v;
    }
  }
  return p;
}
