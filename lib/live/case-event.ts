// A case's state change as the live stream carries it (GET /api/v1/events) and as NOTIFY announces it
// to every process (lib/live/publish-case-event.ts). Plain module: the worker, the web server and
// client components read it.
import { CASE_STATES, VERDICTS, type CaseStateValue } from "../../db/schema/enums";
import type { Role } from "../auth/roles";

/** The PostgreSQL channel every state change is announced on (PGlite has LISTEN/NOTIFY too). */
export const CASE_EVENTS_CHANNEL = "loupe_case_events";

/** What the stream sends as an event's data; the SSE event id is `id`. */
export interface CaseEventDto {
  id: number;
  case_id: string;
  state: CaseStateValue;
  verdict: (typeof VERDICTS)[number] | null;
  score: number | null;
  updated_at: string;
}

/** The NOTIFY payload: the event and, for the visibility check only, the case's submitter. */
export interface CaseEventNotice extends CaseEventDto {
  submitter_id: string | null;
}

/** The notice in a NOTIFY payload, or null when the payload is not one (another writer on the channel). */
export function parseCaseEventNotice(payload: string): CaseEventNotice | null {
  let v: unknown;
  try {
    v = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.id !== "number" || typeof o.case_id !== "string" || !CASE_STATES.includes(o.state as CaseStateValue)) return null;
  if (o.verdict !== null && !VERDICTS.includes(o.verdict as (typeof VERDICTS)[number])) return null;
  if (o.score !== null && typeof o.score !== "number") return null;
  if (typeof o.updated_at !== "string" || (o.submitter_id !== null && typeof o.submitter_id !== "string")) return null;
  return o as unknown as CaseEventNotice;
}

export function caseEventDto(n: CaseEventNotice): CaseEventDto {
  return { id: n.id, case_id: n.case_id, state: n.state, verdict: n.verdict, score: n.score, updated_at: n.updated_at };
}

/** Who is watching: a user (session) or an API key, with the role it acts with. */
export interface Watcher {
  role: Role;
  userId: string;
}

/**
 * Whether a watcher may see a case's events: moderators and admins see every case; editors see the
 * cases they submitted (by upload or with one of their API keys).
 */
export function mayWatchCase(w: Watcher, submitterId: string | null): boolean {
  if (w.role === "admin" || w.role === "moderator") return true;
  return submitterId !== null && submitterId === w.userId;
}
