// Every REST route under app/api/v1, with the least role and the API-key scope it needs, and how to
// call it. e2e/api/route-auth.spec.ts (roles) and e2e/api/keys.spec.ts (keys and scopes) both run
// over this table, and route-auth fails when a route file is missing from it.
import type { APIRequestContext } from "@playwright/test";
import type { ApiKeyScope } from "../../db/schema/enums";
import { makeJpeg } from "../../lib/detection/testing";

export type Role = "editor" | "admin";

export interface RouteCase {
  /** The route file, relative to app/api/v1. */
  file: string;
  method: "GET" | "POST";
  path: (caseId: string) => string;
  /** The least role allowed; null for public routes. */
  minRole: Role | null;
  /** The scope an API key needs (public routes: none). */
  scope?: ApiKeyScope;
  /** What a public route answers without credentials. */
  publicStatus?: number;
}

export const ROUTES: RouteCase[] = [
  { file: "health/route.ts", method: "GET", path: () => "/api/v1/health", minRole: null, publicStatus: 200 },
  { file: "[...path]/route.ts", method: "GET", path: () => "/api/v1/no/such/endpoint", minRole: null, publicStatus: 404 },
  { file: "cases/route.ts", method: "GET", path: () => "/api/v1/cases", minRole: "editor", scope: "cases:read" },
  { file: "cases/route.ts", method: "POST", path: () => "/api/v1/cases", minRole: "editor", scope: "cases:write" },
  { file: "cases/[id]/route.ts", method: "GET", path: (id) => `/api/v1/cases/${id}`, minRole: "editor", scope: "cases:read" },
  { file: "cases/[id]/image/route.ts", method: "GET", path: (id) => `/api/v1/cases/${id}/image`, minRole: "editor", scope: "cases:read" },
  { file: "cases/[id]/report/route.ts", method: "GET", path: (id) => `/api/v1/cases/${id}/report`, minRole: "editor", scope: "cases:read" },
  { file: "cases/[id]/heatmaps/[signal]/route.ts", method: "GET", path: (id) => `/api/v1/cases/${id}/heatmaps/ela`, minRole: "editor", scope: "cases:read" },
  { file: "cases/[id]/decision/route.ts", method: "POST", path: (id) => `/api/v1/cases/${id}/decision`, minRole: "admin", scope: "cases:write" },
  { file: "usage/route.ts", method: "GET", path: () => "/api/v1/usage", minRole: "editor", scope: "usage" },
];

export async function callRoute(request: APIRequestContext, r: RouteCase, caseId: string, key: string | null) {
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  if (r.method === "GET") return request.get(r.path(caseId), { headers });
  if (r.file === "cases/route.ts") {
    return request.post(r.path(caseId), { headers, multipart: { file: { name: "a.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 96, height: 96, seed: 61 }) } } });
  }
  return request.post(r.path(caseId), { headers, data: { outcome: "needs_more_info", note: "route auth check" } });
}

/** Submits an image with `key` and waits until its scan has finished; returns the case id. */
export async function scannedCase(request: APIRequestContext, key: string, seed: number): Promise<string> {
  const auth = { authorization: `Bearer ${key}` };
  const res = await request.post("/api/v1/cases", { headers: auth, multipart: { file: { name: "c.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 128, height: 96, seed }) } } });
  const id = (await res.json()).id as string;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const state = (await (await request.get(`/api/v1/cases/${id}`, { headers: auth })).json()).state;
    if (/^(quarantined|cleared|manual_review)$/.test(state)) return id;
    if (Date.now() > deadline) throw new Error(`case ${id} still ${state}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
