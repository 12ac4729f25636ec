// Shared zod pieces for input at the edge.
import { z } from "zod";

// NUL and the other C0 control characters (tab, line feed and carriage return aside) are refused:
// PostgreSQL rejects NUL in text (SQLSTATE 22021), and none belongs in a name, reference or note.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A string of at most `max` characters with no control characters. */
export function text(max: number) {
  return z
    .string()
    .max(max)
    .refine((v) => !CONTROL.test(v), { message: "must not contain control characters (such as NUL)" });
}

/** True when `v` holds a control character that `text()` refuses. */
export function hasControlCharacters(v: string): boolean {
  return CONTROL.test(v);
}
