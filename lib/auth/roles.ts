// Who may do what, checked server-side on every action, route and page.
import type { Actor } from "../context";
import { ROLES, type Role } from "../../db/schema/enums";

export { ROLES, type Role };

export const PERMISSIONS = {
  submit: ["admin", "moderator", "editor"],
  viewQueue: ["admin", "moderator", "editor"],
  decide: ["admin", "moderator"],
  /** Download a queue view as CSV or JSON Lines (lib/cases/export-cases.ts): every case it matches at once. */
  exportCases: ["admin", "moderator"],
  rescan: ["admin", "moderator"],
  /** Write a note on a case (lib/cases/case-notes.ts): everyone who reads the queue. */
  noteCases: ["admin", "moderator", "editor"],
  manageUsers: ["admin"],
  managePolicies: ["admin"],
  viewAudit: ["admin"],
  /** Image lists (lib/lists/): create and delete them, add files or hashes, remove entries. */
  manageLists: ["admin"],
  /** Add a case's image to an image list, from the case page. */
  addToList: ["admin", "moderator"],
  viewDashboard: ["admin"],
  manageApiKeys: ["admin", "moderator", "editor"],
  /** Every user's keys: create for others, set rate limits and quotas. */
  administerApiKeys: ["admin"],
  /** The webhook delivery log, replays and re-enabling endpoints for every key. */
  manageWebhooks: ["admin"],
  /** Download a backup of the whole installation (lib/backup/): every row, password hashes and webhook secrets included. */
  backup: ["admin"],
  /** End one's own sessions (sign out). */
  ownSession: ["admin", "moderator", "editor"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** Whether a role holds a permission. */
export function roleCan(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/**
 * Whether an actor may do something. Users and API keys act with their role; the system actor
 * (bootstrap, CLIs run by the operator) may do anything; a worker only scans, which needs none of these.
 */
export function can(actor: Actor, permission: Permission): boolean {
  if (actor.type === "system") return true;
  if (actor.type === "worker") return false;
  return roleCan(actor.role, permission);
}
