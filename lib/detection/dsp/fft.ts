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
  // The remaining stages two at a time (sizes s and 2s): each group of four values i0, i0 + s/2, i0 + s,
  // i0 + 3s/2 goes through both stages in registers, so the arrays are swept half as often. The
  // arithmetic is exactly that of two separate radix-2 stages (same operations, same twiddles).
  // Twiddles outer, butterflies inner: each twiddle is loaded once per pass.
  let size = 4;
  for (; size * 2 <= n; size <<= 2) {
    const h = size >> 1;
    const span = size << 1;
    const stepA = n / size;
    const stepB = n / span;
    for (let k = 0; k < h; k++) {
      const war = cos[k * stepA]!;
      const wai = sin[k * stepA]!;
      const wbr = cos[k * stepB]!;
      const wbi = sin[k * stepB]!;
      const wcr = cos[(k + h) * stepB]!;
      const wci = sin[(k + h) * stepB]!;
      for (let i0 = k; i0 < n; i0 += span) {
        const i1 = i0 + h;
        const i2 = i0 + size;
        const i3 = i2 + h;
        // Stage s: (i0, i1) and (i2, i3), twiddle W_s^k.
        let r = re[i1]!;
        let m = im[i1]!;
        let xr = r * war - m * wai;
        let xi = r * wai + m * war;
        const a0r = re[i0]! + xr;
        const a0i = im[i0]! + xi;
        const a1r = re[i0]! - xr;
        const a1i = im[i0]! - xi;
        r = re[i3]!;
        m = im[i3]!;
        xr = r * war - m * wai;
        xi = r * wai + m * war;
        const a2r = re[i2]! + xr;
        const a2i = im[i2]! + xi;
        const a3r = re[i2]! - xr;
        const a3i = im[i2]! - xi;
        // Stage 2s: (i0, i2) with W_2s^k, (i1, i3) with W_2s^(k + s/2).
        xr = a2r * wbr - a2i * wbi;
        xi = a2r * wbi + a2i * wbr;
        re[i0] = a0r + xr;
        im[i0] = a0i + xi;
        re[i2] = a0r - xr;
        im[i2] = a0i - xi;
        xr = a3r * wcr - a3i * wci;
        xi = a3r * wci + a3i * wcr;
        re[i1] = a1r + xr;
        im[i1] = a1i + xi;
        re[i3] = a1r - xr;
        im[i3] = a1i - xi;
      }
    }
  }
  // An odd number of stages leaves the last one (size n) on its own.
  if (size === n) {
    const half = n >> 1;
    for (let k = 0; k < half; k++) {
      const wr = cos[k]!;
      const wi = sin[k]!;
      const b = k + half;
      const br = re[b]!;
      const bi = im[b]!;
      const xr = br * wr - bi * wi;
      const xi = br * wi + bi * wr;
      const ar = re[k]!;
      const ai = im[k]!;
      re[b] = ar - xr;
      im[b] = ai - xi;
      re[k] = ar + xr;
      im[k] = ai + xi;
    }
  }
}

/**
 * In-place forward FFT along y of every column of an n×cols array (row-major), all columns at once:
 * each radix-2 butterfly combines two whole rows, so memory is read row by row instead of gathering
 * one strided column per transform. Per column, the same operations and twiddles as fft() (whose
 * fused two-stage passes compute exactly these radix-2 stages), hence bit-identical results.
 */
export function fftColumns(re: Float64Array, im: Float64Array, n: number, cols: number): void {
  const { cos, sin, rev } = plan(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i]!;
    if (j <= i) continue;
    for (let a = i * cols, b = j * cols, end = a + cols; a < end; a++, b++) {
      const tr = re[a]!; re[a] = re[b]!; re[b] = tr;
      const ti = im[a]!; im[a] = im[b]!; im[b] = ti;
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    for (let k = 0; k < half; k++) {
      const wr = cos[k * step]!;
      const wi = sin[k * step]!;
      for (let r0 = k; r0 < n; r0 += size) {
        const a0 = r0 * cols;
        const b0 = (r0 + half) * cols;
        for (let x = 0; x < cols; x++) {
          const a = a0 + x;
          const b = b0 + x;
          const r = re[b]!;
          const m = im[b]!;
          const xr = r * wr - m * wi;
          const xi = r * wi + m * wr;
          re[b] = re[a]! - xr;
          im[b] = im[a]! - xi;
          re[a] = re[a]! + xr;
          im[a] = im[a]! + xi;
        }
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
  fftColumns(re, im, n, h);
  const p = acc ?? new Float64Array(n * n);
  for (let y = 0; y < n; y++) {
    const my = ((n - y) % n) * n;
    for (let x = 0, k = y * h; x < h; x++, k++) {
      const v = re[k]! * re[k]! + im[k]! * im[k]!;
      p[y * n + x]! += v;
      // Columns 0 and n/2 are their own mirror images: every row of them is computed directly.
      if (x !== 0 && x !== n >> 1) p[my + (n - x)]! += v;
    }
  }
  return p;
}
