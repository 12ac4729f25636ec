// One LISTEN per process for the live streams: every web process relays the state changes committed
// by any process (web, `npm run worker`, the worker route) to its own connected clients.
import type { Listen } from "../../db";
import { CASE_EVENTS_CHANNEL, parseCaseEventNotice, type CaseEventNotice } from "./case-event";

export interface CaseEventHub {
  /** Resolves once the process listens, so every event committed after that reaches `onEvent`. */
  subscribe(onEvent: (n: CaseEventNotice) => void): Promise<() => void>;
  close(): Promise<void>;
}

export function createCaseEventHub(listen: Listen): CaseEventHub {
  const subscribers = new Set<(n: CaseEventNotice) => void>();
  let listening: Promise<() => Promise<void>> | null = null;
  const start = () => {
    // A failed LISTEN (database down) is not cached: the next subscriber tries again.
    listening ??= listen(CASE_EVENTS_CHANNEL, (payload) => {
      const notice = parseCaseEventNotice(payload);
      if (!notice) return;
      for (const s of [...subscribers]) s(notice);
    }).catch((err: unknown) => {
      listening = null;
      throw err;
    });
    return listening;
  };
  return {
    async subscribe(onEvent) {
      await start();
      subscribers.add(onEvent);
      return () => void subscribers.delete(onEvent);
    },
    async close() {
      subscribers.clear();
      const l = listening;
      listening = null;
      if (l) await (await l)();
    },
  };
}

const g = globalThis as unknown as { __loupeCaseEventHub?: CaseEventHub };

/** The process's hub, on the process's database connection (cached like the database handle). */
export async function processCaseEventHub(): Promise<CaseEventHub> {
  if (!g.__loupeCaseEventHub) {
    const { getDbHandle } = await import("../../db");
    const handle = await getDbHandle();
    g.__loupeCaseEventHub ??= createCaseEventHub(handle.listen);
  }
  return g.__loupeCaseEventHub;
}
