// The API reference for integrators. Public, like /api/v1/openapi.json: it shows nothing a caller
// without a key could not read from the document. The endpoint list, scopes and error table are
// derived from lib/api/openapi.ts and lib/errors.ts, so the page cannot drift from the API.
import type { Metadata } from "next";
import type { ReactNode } from "react";
import { API_KEY_SCOPES } from "@/db/schema/enums";
import { OPENAPI_DOCUMENT } from "@/lib/api/openapi";
import { ERROR_CODES } from "@/lib/errors";
import { DEFAULT_MONTHLY_IMAGE_QUOTA, DEFAULT_RATE_LIMIT_PER_MINUTE, IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENCY_TTL_HOURS, MAX_FILES_PER_BATCH, MAX_UPLOAD_BYTES } from "@/lib/limits";
import { EXAMPLES, WEBHOOK_PY, WEBHOOK_TS } from "./examples";

export const metadata: Metadata = { title: "API reference" };

type Operation = { summary: string; description: string; "x-loupe-scope": string | null; operationId: string };

/** Every documented operation, in the document's order, without the catch-all. */
function operations() {
  return Object.entries(OPENAPI_DOCUMENT.paths as Record<string, Record<string, unknown>>)
    .filter(([, item]) => !item["x-loupe-catch-all"])
    .flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([k]) => !k.startsWith("x-"))
        .map(([method, op]) => ({ method: method.toUpperCase(), path, ...(op as Operation) })),
    );
}

const SCOPE_TEXT: Record<(typeof API_KEY_SCOPES)[number], string> = {
  detect: "Synchronous, batch and async detection, jobs, forensics, C2PA, cached heatmaps.",
  "cases:read": "List and read cases, their images, heatmaps, reports and the event stream.",
  "cases:write": "Submit images to the review queue, record decisions, delete cases.",
  usage: "Read your keys' usage and quota.",
  lists: "Read and keep the image lists (known images that quarantine or clear their matches); an admin's key.",
};

const anchor = (op: { method: string; path: string }) => `${op.method}-${op.path}`.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/-+$/, "");

function Code({ label, children }: { label: string; children: string }) {
  return (
    <figure className="min-w-0">
      <figcaption className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-600">{label}</figcaption>
      {/* Long lines scroll inside the block, never the page; focusable so keyboards can scroll it. */}
      <pre tabIndex={0} role="region" aria-label={`${label} example`} className="max-w-full overflow-x-auto rounded-md bg-slate-900 p-3 text-[13px] leading-relaxed text-slate-100 focus:outline-2 focus:outline-offset-2 focus:outline-blue-600">
        <code>{children}</code>
      </pre>
    </figure>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-title`} id={id} className="scroll-mt-4 space-y-3">
      <h2 id={`${id}-title`} className="text-xl font-semibold tracking-tight text-slate-900">
        {title}
      </h2>
      {children}
    </section>
  );
}

function Table({ caption, head, rows }: { caption: string; head: string[]; rows: ReactNode[][] }) {
  return (
    <div tabIndex={0} role="region" aria-label={caption} className="max-w-full overflow-x-auto rounded-md border border-slate-200 focus:outline-2 focus:outline-blue-600">
      <table className="w-full border-collapse text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-100 text-slate-800">
          <tr>
            {head.map((h) => (
              <th key={h} scope="col" className="px-3 py-2 font-semibold">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i} className="border-t border-slate-200 align-top">
              {r.map((c, j) => (
                <td key={j} className="px-3 py-2 text-slate-800">
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const C = ({ children }: { children: ReactNode }) => <code className="rounded bg-slate-100 px-1 py-0.5 text-[0.9em] text-slate-900 [overflow-wrap:anywhere]">{children}</code>;
/** Code in a table cell: kept on one line (the table scrolls inside its own region). */
const CellCode = ({ children }: { children: ReactNode }) => <code className="whitespace-nowrap rounded bg-slate-100 px-1 py-0.5 text-[0.9em] text-slate-900">{children}</code>;
const METHOD_STYLE: Record<string, string> = { GET: "bg-emerald-100 text-emerald-900", POST: "bg-blue-100 text-blue-900", DELETE: "bg-red-100 text-red-900" };

export default function ApiDocs() {
  const ops = operations();
  const examples = new Map(EXAMPLES.map((e) => [e.operation, e]));
  const toc = [
    ["overview", "Overview"],
    ["authentication", "Authentication and scopes"],
    ["limits", "Rate limits, quotas, idempotency"],
    ["errors", "Errors"],
    ["client", "TypeScript client"],
    ["endpoints", "Endpoints"],
    ["webhooks", "Webhooks"],
  ];
  return (
    <div className="lg:grid lg:grid-cols-[14rem_minmax(0,1fr)] lg:gap-10">
      <nav aria-label="On this page" className="mb-6 text-sm lg:sticky lg:top-4 lg:mb-0 lg:self-start">
        <p className="mb-2 font-semibold text-slate-900">On this page</p>
        <ul className="space-y-1">
          {toc.map(([id, label]) => (
            <li key={id}>
              <a href={`#${id}`} className="text-slate-700 underline-offset-2 hover:text-slate-950 hover:underline">
                {label}
              </a>
            </li>
          ))}
        </ul>
        <p className="mt-4">
          <a href="/api/v1/openapi.json" className="font-medium text-blue-800 underline underline-offset-2">
            openapi.json
          </a>
        </p>
      </nav>

      <article className="min-w-0 space-y-10 text-slate-800">
        <header className="space-y-2">
          <p className="text-sm font-medium text-slate-600">Integration API v1</p>
          <h1 className="text-3xl font-semibold tracking-tight text-slate-950">Loupe API reference</h1>
          <p className="max-w-3xl">
            Detect AI-generated images synchronously, in batches or as jobs with webhooks; feed the moderation queue and read its decisions. The machine-readable description is{" "}
            <a href="/api/v1/openapi.json" className="text-blue-800 underline underline-offset-2">
              /api/v1/openapi.json
            </a>{" "}
            (OpenAPI 3.1).
          </p>
        </header>

        <Section id="overview" title="Overview">
          <ul className="list-disc space-y-1 pl-5">
            <li>
              All paths are under <C>/api/v1</C> on your Loupe server. Bodies are JSON unless an endpoint takes an image; answers are JSON except images and the event stream.
            </li>
            <li>
              Images: multipart (<C>image</C> or <C>file</C> part), the raw bytes (<C>image/*</C> or <C>application/octet-stream</C>), or for detection JSON <C>image_url</C> / <C>image_base64</C>. Up to {MAX_UPLOAD_BYTES / 1024 / 1024} MB each; JPEG, PNG, WebP, GIF, TIFF, BMP, AVIF and HEIC, recognised by content.
            </li>
            <li>
              Every answer carries <C>X-Request-Id</C>; quote it when reporting a problem.
            </li>
          </ul>
        </Section>

        <Section id="authentication" title="Authentication and scopes">
          <p>
            Create a key under <em>Settings → API keys</em> (admins: <em>All keys</em>, or <C>npm run loupe -- keys create</C>) and send it as <C>Authorization: Bearer lp_live_…</C> or <C>x-api-key: lp_live_…</C>. Test keys (<C>lp_test_…</C>) run the real engine but are not counted against usage or quota. A key acts with its owner's role, and only within its scopes:
          </p>
          <Table caption="API key scopes" head={["Scope", "Allows"]} rows={API_KEY_SCOPES.map((s) => [<CellCode key={s}>{s}</CellCode>, SCOPE_TEXT[s]])} />
          <p>A key without the scope gets 403 <C>forbidden</C> naming it; no key or a revoked one, 401 <C>unauthenticated</C>.</p>
        </Section>

        <Section id="limits" title="Rate limits, quotas and idempotency">
          <ul className="list-disc space-y-1 pl-5">
            <li>
              <strong>Rate limit</strong>: {DEFAULT_RATE_LIMIT_PER_MINUTE} requests a minute per key by default. Every key answer carries <C>X-RateLimit-Limit</C>, <C>X-RateLimit-Remaining</C> and <C>X-RateLimit-Reset</C> (seconds). Over it: 429 <C>rate_limited</C> with <C>Retry-After</C>.
            </li>
            <li>
              <strong>Quota</strong>: {DEFAULT_MONTHLY_IMAGE_QUOTA.toLocaleString("en")} images per UTC month per key by default (a batch counts each image); over it: 402 <C>quota_exceeded</C>. See <C>GET /api/v1/usage</C>.
            </li>
            <li>
              <strong>Unavailable</strong>: 503 <C>service_unavailable</C> with <C>Retry-After</C> when the database cannot be reached, or when the server has no space left to store (the message says so; nothing was stored). Retry 429 and 503 after <C>Retry-After</C>.
            </li>
            <li>
              <strong>Idempotency</strong>: send <C>Idempotency-Key</C> (1–{IDEMPOTENCY_KEY_MAX_LENGTH} characters) with a POST. The first answer is kept {IDEMPOTENCY_TTL_HOURS} h; the same request with the same key gets it again with <C>Idempotent-Replayed: true</C>; a different request with the key, 409 <C>idempotency_conflict</C>. 5xx answers are not kept. The TypeScript client sends a fresh key per call and reuses it on its retries.
            </li>
          </ul>
        </Section>

        <Section id="errors" title="Errors">
          <p>Every error has one shape; branch on <C>code</C>, show <C>message</C>, and log <C>request_id</C>:</p>
          <Code label="JSON">{`{ "error": { "code": "invalid_request", "message": "signals: unknown signal id(s) foo", "param": "signals", "request_id": "req_…" } }`}</Code>
          <Table
            caption="Error codes"
            head={["Code", "HTTP status", "Meaning"]}
            rows={Object.entries(ERROR_CODES).map(([code, e]) => [<CellCode key={code}>{code}</CellCode>, String(e.status), e.message])}
          />
        </Section>

        <Section id="client" title="TypeScript client">
          <p>
            <C>lib/client</C> is a typed client whose return types are the server's own DTO types. It throws <C>LoupeApiError</C> (<C>status</C>, <C>code</C>, <C>message</C>, <C>param</C>, <C>requestId</C>), retries 429 and 503 after <C>Retry-After</C> (capped, <C>maxAttempts</C> 3 by default) and gives every POST an idempotency key so its retries are safe.
          </p>
          <Code label="TypeScript">{`import { createLoupeClient, LoupeApiError } from "./lib/client";

const loupe = createLoupeClient({ baseUrl: "https://loupe.example.org", apiKey: process.env.LOUPE_KEY!, maxAttempts: 4 });
try {
  const r = await loupe.detect(bytes);
} catch (e) {
  if (e instanceof LoupeApiError && e.code === "quota_exceeded") notifyBilling(e.requestId);
  else throw e;
}`}</Code>
        </Section>

        <Section id="endpoints" title="Endpoints">
          <p>
            Examples read the server and key from <C>LOUPE_URL</C> and <C>LOUPE_KEY</C>. Batches take up to {MAX_FILES_PER_BATCH} images.
          </p>
          <Table
            caption="Endpoints"
            head={["Endpoint", "Scope", "What it does"]}
            rows={ops.map((op) => [
              <a key="a" href={`#${anchor(op)}`} className="whitespace-nowrap text-blue-800 underline underline-offset-2">
                {op.method} {op.path}
              </a>,
              op["x-loupe-scope"] ? <CellCode key="s">{op["x-loupe-scope"]}</CellCode> : "public",
              op.summary,
            ])}
          />
          <div className="space-y-8">
            {ops.map((op) => {
              const ex = examples.get(`${op.method} ${op.path}`);
              return (
                <section key={anchor(op)} id={anchor(op)} aria-labelledby={`${anchor(op)}-title`} className="scroll-mt-4 space-y-3 border-t border-slate-200 pt-6">
                  <h3 id={`${anchor(op)}-title`} className="flex flex-wrap items-center gap-2 text-lg font-semibold text-slate-900">
                    <span className={`rounded px-2 py-0.5 font-mono text-sm ${METHOD_STYLE[op.method] ?? "bg-slate-100 text-slate-900"}`}>{op.method}</span>
                    <span className="font-mono text-base [overflow-wrap:anywhere]">{op.path}</span>
                  </h3>
                  <p className="font-medium">{op.summary}</p>
                  <p className="max-w-3xl whitespace-pre-line [overflow-wrap:anywhere]">{op.description.replace(/\*\*/g, "").replace(/`/g, "")}</p>
                  {ex && (
                    <div className="grid gap-3">
                      <Code label="curl">{ex.curl}</Code>
                      <Code label="TypeScript">{ex.ts}</Code>
                      <Code label="Python">{ex.python}</Code>
                    </div>
                  )}
                </section>
              );
            })}
          </div>
        </Section>

        <Section id="webhooks" title="Webhooks">
          <p>
            Jobs with a <C>webhook_url</C>, and endpoints added to a key, receive <C>POST</C>s with a JSON body <C>{`{"id": "wev_…", "type", "created_at", "data"}`}</C> and the headers <C>X-Loupe-Event</C>, <C>X-Loupe-Event-Id</C> (deduplicate on it: delivery is at least once), <C>X-Loupe-Delivery</C> and <C>X-Loupe-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of &quot;t.raw body&quot;&gt;</C>. Verify on the raw body and refuse old timestamps; answer 2xx within 10 s.
          </p>
          <Code label="TypeScript">{WEBHOOK_TS}</Code>
          <Code label="Python">{WEBHOOK_PY}</Code>
        </Section>
      </article>
    </div>
  );
}
