// One orientation convention for the whole product: the engine analyses pixels as stored, and
// everything a person sees — heatmaps, the display image, the near-duplicate hash — is in display
// orientation, i.e. with the EXIF Orientation tag (TIFF 6.0 tag 274, values 1–8) applied, the way
// browsers show a JPEG.
import type { Sharp } from "sharp";

/** True for the orientations whose display swaps width and height (5–8). */
export function transposes(orientation: number | undefined): boolean {
  return orientation !== undefined && orientation >= 5 && orientation <= 8;
}

/** The display size of a `width`×`height` stored image. */
export function displaySize(orientation: number | undefined, width: number, height: number): { width: number; height: number } {
  return transposes(orientation) ? { width: height, height: width } : { width, height };
}

/**
 * The stored pixel shown at display pixel (X, Y) of a `w`×`h` stored image. Orientation 6 is the
 * common phone case: the stored image must be turned 90° clockwise to be upright.
 */
export function storedPoint(orientation: number | undefined, X: number, Y: number, w: number, h: number): [number, number] {
  switch (orientation) {
    case 2: // mirrored left–right
      return [w - 1 - X, Y];
    case 3: // turned 180°
      return [w - 1 - X, h - 1 - Y];
    case 4: // mirrored top–bottom
      return [X, h - 1 - Y];
    case 5: // transposed (mirrored about the main diagonal)
      return [Y, X];
    case 6: // turn 90° clockwise to display
      return [Y, h - 1 - X];
    case 7: // transversed (mirrored about the anti-diagonal)
      return [w - 1 - Y, h - 1 - X];
    case 8: // turn 90° counter-clockwise to display
      return [w - 1 - Y, X];
    default:
      return [X, Y];
  }
}

/**
 * A nearest-neighbour grid rendering (see png.ts `encodeIndexedPng`: output pixel (x, y) shows
 * `cells[rowOf[y]·cols + colOf[x]]`) re-expressed in display orientation. Mirrors only reverse an
 * index map; the transposing orientations also transpose the (small) cell grid.
 */
export function orientGrid(
  cells: Uint8Array,
  cols: number,
  colOf: Int32Array,
  rowOf: Int32Array,
  orientation: number | undefined,
): { cells: Uint8Array; cols: number; colOf: Int32Array; rowOf: Int32Array } {
  const w = colOf.length;
  const h = rowOf.length;
  if (!orientation || orientation === 1) return { cells, cols, colOf, rowOf };
  const d = displaySize(orientation, w, h);
  const newCol = new Int32Array(d.width);
  const newRow = new Int32Array(d.height);
  if (!transposes(orientation)) {
    // x depends on X alone and y on Y alone.
    for (let X = 0; X < d.width; X++) newCol[X] = colOf[storedPoint(orientation, X, 0, w, h)[0]]!;
    for (let Y = 0; Y < d.height; Y++) newRow[Y] = rowOf[storedPoint(orientation, 0, Y, w, h)[1]]!;
    return { cells, cols, colOf: newCol, rowOf: newRow };
  }
  // Transposing: the stored x comes from Y and the stored y from X, so display pixel (X, Y) shows
  // cells[rowOf[y(X)]·cols + colOf[x(Y)]] = transposed[colOf[x(Y)]·rows + rowOf[y(X)]].
  const rows = cells.length / cols;
  const transposed = new Uint8Array(cells.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) transposed[c * rows + r] = cells[r * cols + c]!;
  for (let X = 0; X < d.width; X++) newCol[X] = rowOf[storedPoint(orientation, X, 0, w, h)[1]]!;
  for (let Y = 0; Y < d.height; Y++) newRow[Y] = colOf[storedPoint(orientation, 0, Y, w, h)[0]]!;
  return { cells: transposed, cols: rows, colOf: newCol, rowOf: newRow };
}

/**
 * The sharp operations that show stored pixels in display orientation. sharp mirrors before it
 * rotates, so 5 = mirror then turn 270°, 7 = mirror then turn 90°.
 */
export function orientPipeline(p: Sharp, orientation: number | undefined): Sharp {
  switch (orientation) {
    case 2:
      return p.flop();
    case 3:
      return p.rotate(180);
    case 4:
      return p.flip();
    case 5:
      return p.flop().rotate(270);
    case 6:
      return p.rotate(90);
    case 7:
      return p.flop().rotate(90);
    case 8:
      return p.rotate(270);
    default:
      return p;
  }
}
