import { pgEnum } from "drizzle-orm/pg-core";

export const roleEnum = pgEnum("role", ["admin", "moderator", "editor"]);

// The case life-cycle; every change goes through lib/cases/transition.ts.
export const caseStateEnum = pgEnum("case_state", [
  "pending_scan",
  "scanning",
  "retry_pending",
  "manual_review",
  "quarantined",
  "cleared",
  "reviewed",
]);

export const caseSourceEnum = pgEnum("case_source", ["upload", "api"]);

export const verdictEnum = pgEnum("verdict", ["ai_generated", "likely_authentic", "inconclusive"]);

export const decisionOutcomeEnum = pgEnum("decision_outcome", ["confirmed_ai", "authentic", "needs_more_info"]);

export const inconclusiveActionEnum = pgEnum("inconclusive_action", ["quarantine", "clear"]);
