"use client";

// What the console remembers across the cases of one review session (this browser tab): the last
// decision, for `u`, and the cases visited, for `k`.
const LAST = "loupe.review.lastDecision";
const TRAIL = "loupe.review.trail";

export interface LastDecision {
  caseId: string;
  decisionId: string;
  at: number;
}

function read<T>(key: string): T | null {
  try {
    const raw = sessionStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

export const lastDecision = () => read<LastDecision>(LAST);
export const rememberDecision = (d: LastDecision) => sessionStorage.setItem(LAST, JSON.stringify(d));
export const forgetDecision = () => sessionStorage.removeItem(LAST);

/** Adds a case to the end of the trail unless it is already on it (going back keeps the order). */
export function visit(caseId: string): string[] {
  const trail = read<string[]>(TRAIL) ?? [];
  if (trail.includes(caseId)) return trail;
  trail.push(caseId);
  const kept = trail.slice(-50);
  sessionStorage.setItem(TRAIL, JSON.stringify(kept));
  return kept;
}

/** The case visited before `caseId`, if any. */
export function previousOf(caseId: string): string | null {
  const trail = read<string[]>(TRAIL) ?? [];
  const i = trail.indexOf(caseId);
  return i > 0 ? trail[i - 1]! : null;
}
