// Every REST route under app/api/v1, with the least role and the API-key scope it needs, and how to
// call it. e2e/api/route-auth.spec.ts (roles) and e2e/api/keys.spec.ts (keys and scopes) both run
// over this table, and route-auth fails when a route file is missing from it.
import type { APIRequestContext } from "@playwright/test";
import type { ApiKeyScope } from "../../db/schema/enums";
import { makeJpeg } from "../../lib/detection/testing";
import { E2E_BASE_URL } from "../../playwright.config";

export type Role = "editor" | "admin";

export interface RouteCase {
  /** The route file, relative to app/api/v1. */
  file: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: (f: RouteFixtures) => string;
  /** The least role allowed; null for public routes. */
  minRole: Role | null;
  /** The scope an API key needs (public routes: none). */
  scope?: ApiKeyScope;
  /** What a public route answers without credentials. */
  publicStatus?: number;
}

/** What the table's paths point at: a scanned case and an async job, made by `routeFixtures`. */
export interface RouteFixtures {
  caseId: string;
  jobId: string;
  /** A heatmap URL handed out by POST /detect?include_heatmaps=urls. */
  heatmapUrl: string;
  /** An image list with one entry (a random sha256: it matches nothing), made with an admin's key. */
  listId: string;
  listEntryId: string;
}

/** Routes that take one image as a multipart `image` part. */
const IMAGE_ROUTES = new Set(["detect/route.ts", "detect/batch/route.ts", "forensics/route.ts", "c2pa/verify/route.ts", "detect/async/route.ts"]);

export const ROUTES: RouteCase[] = [
  { file: "health/route.ts", method: "GET", path: () => "/api/v1/health", minRole: null, publicStatus: 200 },
  { file: "openapi.json/route.ts", method: "GET", path: () => "/api/v1/openapi.json", minRole: null, publicStatus: 200 },
  { file: "[...path]/route.ts", method: "GET", path: () => "/api/v1/no/such/endpoint", minRole: null, publicStatus: 404 },
  { file: "cases/route.ts", method: "GET", path: () => "/api/v1/cases", minRole: "editor", scope: "cases:read" },
  { file: "cases/route.ts", method: "POST", path: () => "/api/v1/cases", minRole: "editor", scope: "cases:write" },
  // Moderators and admins (the table's roles are editor and admin).
  { file: "cases/export/route.ts", method: "GET", path: () => "/api/v1/cases/export", minRole: "admin", scope: "cases:read" },
  { file: "cases/[id]/route.ts", method: "GET", path: (f) => `/api/v1/cases/${f.caseId}`, minRole: "editor", scope: "cases:read" },
  { file: "cases/[id]/image/route.ts", method: "GET", path: (f) => `/api/v1/cases/${f.caseId}/image`, minRole: "editor", scope: "cases:read" },
  { file: "cases/[id]/report/route.ts", method: "GET", path: (f) => `/api/v1/cases/${f.caseId}/report`, minRole: "editor", scope: "cases:read" },
  { file: "cases/[id]/heatmaps/[signal]/route.ts", method: "GET", path: (f) => `/api/v1/cases/${f.caseId}/heatmaps/ela`, minRole: "editor", scope: "cases:read" },
  { file: "cases/[id]/notes/route.ts", method: "POST", path: (f) => `/api/v1/cases/${f.caseId}/notes`, minRole: "editor", scope: "cases:write" },
  { file: "cases/[id]/decision/route.ts", method: "POST", path: (f) => `/api/v1/cases/${f.caseId}/decision`, minRole: "admin", scope: "cases:write" },
  // DELETE removes a case its caller submitted: callRoute submits one with the same key first.
  { file: "cases/[id]/route.ts", method: "DELETE", path: (f) => `/api/v1/cases/${f.caseId}`, minRole: "editor", scope: "cases:write" },
  { file: "detect/async/route.ts", method: "POST", path: () => "/api/v1/detect/async", minRole: "editor", scope: "detect" },
  { file: "jobs/[id]/route.ts", method: "GET", path: (f) => `/api/v1/jobs/${f.jobId}`, minRole: "editor", scope: "detect" },
  { file: "detect/route.ts", method: "POST", path: () => "/api/v1/detect", minRole: "editor", scope: "detect" },
  { file: "detect/batch/route.ts", method: "POST", path: () => "/api/v1/detect/batch", minRole: "editor", scope: "detect" },
  { file: "forensics/route.ts", method: "POST", path: () => "/api/v1/forensics", minRole: "editor", scope: "detect" },
  { file: "c2pa/verify/route.ts", method: "POST", path: () => "/api/v1/c2pa/verify", minRole: "editor", scope: "detect" },
  { file: "detections/[id]/heatmaps/[signal]/route.ts", method: "GET", path: (f) => f.heatmapUrl, minRole: "editor", scope: "detect" },
  { file: "events/route.ts", method: "GET", path: () => "/api/v1/events", minRole: "editor", scope: "cases:read" },
  { file: "usage/route.ts", method: "GET", path: () => "/api/v1/usage", minRole: "editor", scope: "usage" },
  { file: "lists/route.ts", method: "GET", path: () => "/api/v1/lists", minRole: "admin", scope: "lists" },
  { file: "lists/route.ts", method: "POST", path: () => "/api/v1/lists", minRole: "admin", scope: "lists" },
  { file: "lists/[id]/route.ts", method: "GET", path: (f) => `/api/v1/lists/${f.listId}`, minRole: "admin", scope: "lists" },
  { file: "lists/[id]/route.ts", method: "PATCH", path: (f) => `/api/v1/lists/${f.listId}`, minRole: "admin", scope: "lists" },
  // DELETE removes a list (an entry) the same key made first; a key that may not gets the shared one, which it must not delete.
  { file: "lists/[id]/route.ts", method: "DELETE", path: (f) => `/api/v1/lists/${f.listId}`, minRole: "admin", scope: "lists" },
  { file: "lists/[id]/export/route.ts", method: "GET", path: (f) => `/api/v1/lists/${f.listId}/export`, minRole: "admin", scope: "lists" },
  { file: "lists/[id]/entries/route.ts", method: "GET", path: (f) => `/api/v1/lists/${f.listId}/entries`, minRole: "admin", scope: "lists" },
  { file: "lists/[id]/entries/route.ts", method: "POST", path: (f) => `/api/v1/lists/${f.listId}/entries`, minRole: "admin", scope: "lists" },
  { file: "lists/[id]/entries/[entryId]/route.ts", method: "DELETE", path: (f) => `/api/v1/lists/${f.listId}/entries/${f.listEntryId}`, minRole: "admin", scope: "lists" },
];

let listSeq = 0;
const randomSha256 = () => [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, "0")).join("");

/** A clear list with one random hash (it matches no image), made with `key`; null when the key may not. */
async function makeList(request: APIRequestContext, key: string): Promise<{ listId: string; listEntryId: string } | null> {
  const headers = { authorization: `Bearer ${key}` };
  const list = await request.post("/api/v1/lists", { headers, data: { name: `route-check ${Date.now().toString(36)}-${++listSeq}`, action: "clear" } });
  if (list.status() !== 201) return null;
  const listId = (await list.json()).id as string;
  const added = await request.post(`/api/v1/lists/${listId}/entries`, { headers, data: { sha256: [randomSha256()] } });
  return { listId, listEntryId: (await added.json()).entries[0].id as string };
}

let deleteSeed = 500;

/** A streaming route answers with its headers and never ends: read the status, then hang up. */
async function callStream(path: string, headers: Record<string, string>) {
  const abort = new AbortController();
  const res = await fetch(new URL(path, E2E_BASE_URL), { headers, signal: abort.signal });
  const body = res.ok ? null : await res.json();
  abort.abort();
  return { status: () => res.status, json: async () => body, headers: () => Object.fromEntries(res.headers) };
}

export async function callRoute(request: APIRequestContext, r: RouteCase, f: RouteFixtures, key: string | null) {
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  if (r.file === "events/route.ts") return callStream(r.path(f), headers);
  if (r.method === "GET") return request.get(r.path(f), { headers });
  if (r.method === "PATCH") return request.patch(r.path(f), { headers, data: { description: `route check ${++listSeq}` } });
  if (r.method === "DELETE" && r.file.startsWith("lists/")) {
    const own = key ? await makeList(request, key) : null;
    return request.delete(r.path({ ...f, ...(own ?? {}) }), { headers });
  }
  if (r.file === "lists/route.ts") return request.post(r.path(f), { headers, data: { name: `route-check ${Date.now().toString(36)}-${++listSeq}`, action: "clear" } });
  if (r.file === "lists/[id]/entries/route.ts") return request.post(r.path(f), { headers, data: { sha256: [randomSha256()] } });
  if (r.method === "DELETE") {
    // A case of this key's own to delete; a key that may not submit (or none) gets the shared case,
    // which its missing credentials or scope must refuse before anything is deleted.
    const own = key ? await request.post("/api/v1/cases", { headers, multipart: { file: { name: "doomed.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 100, height: 90, seed: deleteSeed++ }) } } }) : null;
    const caseId = own?.status() === 202 ? ((await own.json()).id as string) : f.caseId;
    return request.delete(r.path({ ...f, caseId }), { headers });
  }
  if (IMAGE_ROUTES.has(r.file)) {
    return request.post(r.path(f), { headers, multipart: { image: { name: "a.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 96, height: 96, seed: 62 }) } } });
  }
  if (r.file === "cases/[id]/notes/route.ts") return request.post(r.path(f), { headers, data: { body: "route auth check" } });
  if (r.file === "cases/route.ts") {
    return request.post(r.path(f), { headers, multipart: { file: { name: "a.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 96, height: 96, seed: 61 }) } } });
  }
  return request.post(r.path(f), { headers, data: { outcome: "needs_more_info", note: "route auth check" } });
}

/** A scanned case and an async job submitted with `key`, and an image list made with `adminKey`, for the table's paths. */
export async function routeFixtures(request: APIRequestContext, key: string, seed: number, adminKey: string): Promise<RouteFixtures> {
  const list = await makeList(request, adminKey);
  if (!list) throw new Error("routeFixtures: adminKey could not make an image list");
  const caseId = await scannedCase(request, key, seed);
  const job = await request.post("/api/v1/detect/async", {
    headers: { authorization: `Bearer ${key}` },
    multipart: { image: { name: "job.jpg", mimeType: "image/jpeg", buffer: await makeJpeg({ width: 112, height: 96, seed: seed + 1 }) } },
  });
  const detected = await request.post("/api/v1/detect?include_heatmaps=urls", {
    headers: { authorization: `Bearer ${key}`, "content-type": "image/jpeg" },
    data: await makeJpeg({ width: 128, height: 96, seed: seed + 2 }),
  });
  return { caseId, jobId: (await job.json()).id as string, heatmapUrl: (await detected.json()).heatmaps.ela.url as string, ...list };
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
