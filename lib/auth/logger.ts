// Auth.js's logger: one line per event. A wrong password is an expected event, not a server error,
// so it is a one-line warning without a stack; other errors keep their name and first message line,
// and their stack only in development.
import { env } from "../env";

type Log = (line: string) => void;

export function makeAuthLogger(out: { warn: Log; error: Log } = console) {
  return {
    error(error: Error) {
      const name = (error as { type?: string }).type ?? error.name;
      const code = (error as { code?: string }).code ?? "";
      if (name === "CredentialsSignin" && code.startsWith("throttled")) return out.warn(`[auth] sign-in refused by the throttle (${code})`);
      if (name === "CredentialsSignin") return out.warn("[auth] sign-in refused: wrong email or password, or a disabled account");
      // Auth.js wraps what went wrong (an identity provider that cannot be reached, a token that fails
      // validation) in its own error; the wrapped one's message is what an operator needs.
      const cause = (error as { cause?: { err?: unknown } }).cause?.err ?? error.cause;
      const why = cause instanceof Error ? ` (${cause.name}: ${cause.message.split("\n")[0]})` : "";
      out.error(`[auth] ${name}: ${error.message.split("\n")[0]}${why}`);
      if (env.NODE_ENV === "development" && error.stack) out.error(error.stack);
    },
    warn(code: string) {
      out.warn(`[auth] warning: ${code}`);
    },
    debug() {},
  };
}

export const authLogger = makeAuthLogger();
