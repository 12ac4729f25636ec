export const ROLES = ["admin", "moderator", "editor"] as const;
export type Role = (typeof ROLES)[number];

/** Who may do what. Checked server-side on every action and route. */
export const PERMISSIONS = {
  submit: ["admin", "moderator", "editor"],
  viewQueue: ["admin", "moderator", "editor"],
  decide: ["admin", "moderator"],
  rescan: ["admin", "moderator"],
  manageUsers: ["admin"],
  managePolicies: ["admin"],
  manageApiKeys: ["admin", "moderator", "editor"],
} as const satisfies Record<string, readonly Role[]>;
