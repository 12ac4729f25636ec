// Keeps the OpenAPI document honest: its paths, methods and scopes are those of the route files under
// app/api/v1, its error enum is lib/errors.ts's table, and every $ref resolves.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../errors";
import { checkSchema } from "./json-schema-check";
import { OPENAPI_DOCUMENT } from "./openapi";

const API_DIR = join(process.cwd(), "app/api/v1");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? routeFiles(join(dir, e.name)) : e.name === "route.ts" ? [join(dir, e.name)] : []));
}

/** `cases/[id]/route.ts` → `/api/v1/cases/{id}`; the catch-all `[...path]` → `/api/v1/{path}`. */
function openApiPath(file: string): string {
  const dir = relative(API_DIR, file).replace(/\/?route\.ts$/, "");
  return `/api/v1/${dir.replace(/\[\.\.\.(\w+)\]/g, "{$1}").replace(/\[(\w+)\]/g, "{$1}")}`;
}

interface RouteSource {
  /** Methods the module answers itself (not the 405s from otherMethods). */
  implemented: string[];
  /** The list passed to otherMethods, if any. */
  allowed: string[] | null;
  /** The apiRoute scope of each implemented method; null for a public handler. */
  scopes: Record<string, string | null>;
}

/** What a route module exports, read from its source. */
export function readRouteSource(src: string): RouteSource {
  const implemented: string[] = [];
  const scopes: Record<string, string | null> = {};
  for (const m of METHODS) {
    const asConst = new RegExp(`export const ${m} = ([^\\n]*)`).exec(src);
    const asFunction = new RegExp(`export (async )?function ${m}\\(`).test(src);
    if (!asConst && !asFunction) continue;
    implemented.push(m);
    scopes[m] = asConst ? (/apiRoute(?:<[^>]*>)?\(\{[^}]*scope: "([^"]+)"/.exec(asConst[1]!)?.[1] ?? null) : null;
  }
  const others = /export const \{ ([A-Z, ]+) \} = otherMethods\(\[([^\]]*)\]\)/.exec(src);
  return { implemented, allowed: others ? [...others[2]!.matchAll(/"(\w+)"/g)].map((x) => x[1]!) : null, scopes };
}

type Operation = { "x-loupe-scope": string | null; security: unknown[]; responses: Record<string, unknown>; description: string };
const paths = OPENAPI_DOCUMENT.paths as Record<string, Record<string, unknown>>;
const operations = (p: string) => Object.fromEntries(Object.entries(paths[p] ?? {}).filter(([k]) => !k.startsWith("x-"))) as Record<string, Operation>;

describe("OpenAPI document", () => {
  const files = routeFiles(API_DIR);

  it("describes exactly the route files under app/api/v1", () => {
    expect(files.length).toBeGreaterThan(10);
    expect(Object.keys(paths).sort()).toEqual(files.map(openApiPath).sort());
  });

  it.each(files.map((f) => [relative(API_DIR, f), f]))("%s: methods and scopes match the module", (_name, file) => {
    const src = readRouteSource(readFileSync(file, "utf8"));
    const ops = operations(openApiPath(file));
    expect(Object.keys(ops).map((m) => m.toUpperCase()).sort()).toEqual([...src.implemented].sort());
    // The 405 handlers name the same methods the module implements.
    if (src.allowed) expect([...src.allowed].sort()).toEqual([...src.implemented].sort());
    for (const m of src.implemented) {
      const op = ops[m.toLowerCase()]!;
      expect(op["x-loupe-scope"], `${m} scope`).toBe(src.scopes[m]);
      if (src.scopes[m]) {
        expect(op.description).toContain(`**Scope:** \`${src.scopes[m]}\``);
        expect(op.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["401", "403", "429", "503"]));
      } else {
        expect(op.security).toEqual([]);
      }
    }
  });

  it("reads a module's methods and scope, and tells a public handler from a scoped one", () => {
    const src = readRouteSource(`export const GET = apiRoute<{ id: string }>({ permission: "x", scope: "cases:read" }, h);
export async function POST() {}
export const { PUT, PATCH, DELETE } = otherMethods(["GET", "POST"]);`);
    expect(src).toEqual({ implemented: ["GET", "POST"], allowed: ["GET", "POST"], scopes: { GET: "cases:read", POST: null } });
  });

  it("lists every error code of lib/errors.ts in the error envelope, and each code's status in some operation", () => {
    const body = OPENAPI_DOCUMENT.components.schemas.ErrorBody as { properties: { code: { enum: string[] } } };
    expect([...body.properties.code.enum].sort()).toEqual(Object.keys(ERROR_CODES).sort());
    const statuses = new Set(Object.keys(paths).flatMap((p) => Object.values(operations(p)).flatMap((op) => Object.keys(op.responses))));
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      // 405 answers a method the document does not list, so it is described in info, not as a response.
      if (code === "method_not_allowed") expect(OPENAPI_DOCUMENT.info.description).toContain("405 method_not_allowed");
      else expect(statuses, code).toContain(String(status));
    }
  });

  it("resolves every $ref", () => {
    const refs = [...JSON.stringify(OPENAPI_DOCUMENT).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of new Set(refs)) expect(() => checkSchema(null, { $ref: ref }, OPENAPI_DOCUMENT), ref).not.toThrow();
  });

  it("round-trips as JSON (what GET /api/v1/openapi.json sends)", () => {
    expect(JSON.parse(JSON.stringify(OPENAPI_DOCUMENT))).toEqual(OPENAPI_DOCUMENT);
    expect(OPENAPI_DOCUMENT.openapi).toBe("3.1.0");
  });
});

describe("checkSchema", () => {
  const root = OPENAPI_DOCUMENT;
  const error = { $ref: "#/components/schemas/Error" };
  const good = { error: { code: "not_found", message: "Not found.", request_id: "req_1" } };

  it("accepts a conforming error envelope", () => {
    expect(checkSchema(good, error, root, "$", { strict: true })).toEqual([]);
  });

  it.each([
    ["an unknown code", { error: { ...good.error, code: "nope" } }, "is not one of"],
    ["a missing request_id", { error: { code: "not_found", message: "x" } }, "missing required request_id"],
    ["a wrong type", { error: { ...good.error, message: 3 } }, "expected string"],
    ["an undeclared field (strict)", { error: { ...good.error, extra: 1 } }, "undeclared property extra"],
  ])("catches %s", (_what, value, problem) => {
    expect(checkSchema(value, error, root, "$", { strict: true }).join("\n")).toContain(problem);
  });

  it("checks through allOf, anyOf and oneOf, and nullable refs", () => {
    const created = { $ref: "#/components/schemas/CreatedJob" };
    const job = {
      id: "job_1", object: "job", status: "queued", case_id: "case_1", external_ref: null, metadata: null, attempts: 0,
      created_at: "2026-01-01T00:00:00.000Z", updated_at: "2026-01-01T00:00:00.000Z", result: null, error: null,
      links: { self: "/api/v1/jobs/job_1", case: "/api/v1/cases/case_1" }, webhook: null,
    };
    expect(checkSchema(job, created, root, "$", { strict: true })).toEqual([]);
    expect(checkSchema({ ...job, status: "lost" }, created, root).join()).toContain("is not one of");
    expect(checkSchema({ ...job, webhook: { url: "u" } }, created, root).join()).toContain("missing required secret");
    expect(checkSchema({ ...job, surprise: true }, created, root, "$", { strict: true }).join()).toContain("undeclared property surprise");
    const batch = { $ref: "#/components/schemas/BatchResult" };
    expect(checkSchema({ data: [{ index: 0, status: 400, error: good.error }], succeeded: 0, failed: 1, request_id: "req_1" }, batch, root, "$", { strict: true })).toEqual([]);
    expect(checkSchema({ data: [{ index: 0, status: 400 }], succeeded: 0, failed: 1, request_id: "req_1" }, batch, root).join()).toContain("matches 0 of oneOf");
  });
});
