// Times as the pages show them: to the minute, in UTC, the same for every reader.

/** "2026-12-07 14:05 UTC" from a Date or an ISO string. */
export function utcMinute(t: Date | string): string {
  const iso = typeof t === "string" ? t : t.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
