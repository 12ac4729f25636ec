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

// Where an upload came from, for policy assignment (lib/policies/resolve-policy.ts): the console's upload
// page, the REST API, or the upload page's quick check filed with "send to review".
export const uploadOriginEnum = pgEnum("upload_origin", ["upload", "api", "quick_check"]);

export const inconclusiveActionEnum = pgEnum("inconclusive_action", ["quarantine", "clear"]);

// What an image list does to a scanned image that matches one of its entries (lib/lists/): quarantine
// it (known AI images, a campaign's pictures) or clear it (known authentic: press photos, one's own
// catalogue), whatever the score.
export const listActionEnum = pgEnum("list_action", ["quarantine", "clear"]);

// What an API key may call (CONTRIBUTING.md, "REST routes"): each route names one scope.
export const apiKeyScopeEnum = pgEnum("api_key_scope", ["detect", "cases:read", "cases:write", "usage", "lists"]);

// A test key runs the real engine but is left out of usage and quotas.
export const apiKeyModeEnum = pgEnum("api_key_mode", ["live", "test"]);
// An outbox row (lib/webhooks): waiting for its next attempt, delivered (2xx), or given up after its retries.
export const webhookDeliveryStatusEnum = pgEnum("webhook_delivery_status", ["pending", "delivered", "failed"]);

// Events a webhook endpoint can receive (lib/webhooks/events.ts).
export const webhookEventEnum = pgEnum("webhook_event", [
  "detection.completed",
  "job.completed",
  "job.failed",
  "case.quarantined",
  "case.cleared",
  "case.reviewed",
  "case.note_added",
]);

// Values and types for zod schemas, DTOs and the UI, derived from the enums above (never re-typed).
export const ROLES = roleEnum.enumValues;
export type Role = (typeof ROLES)[number];
export const CASE_STATES = caseStateEnum.enumValues;
export type CaseStateValue = (typeof CASE_STATES)[number];
export const CASE_SOURCES = caseSourceEnum.enumValues;
export type CaseSource = (typeof CASE_SOURCES)[number];
export const VERDICTS = verdictEnum.enumValues;
export const DECISION_OUTCOMES = decisionOutcomeEnum.enumValues;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];
/** The outcomes an image list may add images by (image_lists.auto_add_outcome): never "needs more info". */
export const AUTO_ADD_OUTCOMES = ["confirmed_ai", "authentic"] as const satisfies readonly DecisionOutcome[];
export const UPLOAD_ORIGINS = uploadOriginEnum.enumValues;
export type UploadOrigin = (typeof UPLOAD_ORIGINS)[number];
export const INCONCLUSIVE_ACTIONS = inconclusiveActionEnum.enumValues;
export type InconclusiveAction = (typeof INCONCLUSIVE_ACTIONS)[number];
export const LIST_ACTIONS = listActionEnum.enumValues;
export type ListAction = (typeof LIST_ACTIONS)[number];
export const API_KEY_SCOPES = apiKeyScopeEnum.enumValues;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export const API_KEY_MODES = apiKeyModeEnum.enumValues;
export type ApiKeyMode = (typeof API_KEY_MODES)[number];
export const WEBHOOK_DELIVERY_STATUSES = webhookDeliveryStatusEnum.enumValues;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];
export const WEBHOOK_EVENTS = webhookEventEnum.enumValues;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
