// What may reach a log line. Database errors carry the failed query's parameters, which can hold an
// API key's hash, a password hash or a session token: they are removed before anything is printed.

const RULES: [RegExp, string][] = [
  // drizzle's "Failed query: … params: a,b,c" (and postgres.js's parameters), up to the end of the line.
  [/\bparams:[^\n]*/gi, "params: [redacted]"],
  // API keys as issued, and anything that looks like a sha256 or longer hex digest.
  [/\blp_(live|test)_[A-Za-z0-9_-]+/g, "lp_$1_[redacted]"],
  [/\b[0-9a-f]{64,}\b/gi, "[redacted-hex]"],
  // bcrypt hashes, and cookies or bearer tokens quoted in messages.
  [/\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}/g, "[redacted-bcrypt]"],
  [/\b(authorization|cookie|x-api-key)(["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;]+)/gi, "$1$2[redacted]"],
];

export function redact(text: string): string {
  return RULES.reduce((t, [re, to]) => t.replace(re, to), text);
}

/** An error as one or more redacted lines: name, message, and the cause's message when there is one. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return redact(String(err));
  const cause = err.cause instanceof Error ? `\ncause: ${err.cause.message}` : "";
  return redact(`${err.name}: ${err.message}${cause}`);
}
