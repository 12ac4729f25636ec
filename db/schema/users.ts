import { boolean, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { roleEnum } from "./enums";

export const users = pgTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name").notNull().default(""),
  /** Null: no password (an account that signs in through single sign-on only, lib/auth/sso.ts). */
  passwordHash: text("password_hash"),
  role: roleEnum("role").notNull(),
  disabled: boolean("disabled").notNull().default(false),
  /**
   * Sessions carry the version they were issued under; raising it (sign-out, role change, disabling)
   * ends every session of the user at their next request.
   */
  sessionVersion: integer("session_version").notNull().default(0),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  /** The identity provider's issuer and subject this account is bound to (lib/auth/sso.ts); null until its first SSO sign-in. */
  oidcIssuer: text("oidc_issuer"),
  oidcSubject: text("oidc_subject"),
  /** The last successful sign-in, by password or SSO. */
  lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }),
}, (t) => [uniqueIndex("users_oidc_identity_idx").on(t.oidcIssuer, t.oidcSubject)]);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
