// A small OpenID Connect identity provider for tests and for trying single sign-on by hand: the
// authorization-code flow with PKCE (S256), state and nonce, RS256-signed ID tokens, client_secret_basic
// or client_secret_post, discovery, JWKS and userinfo. Its sign-in page is a form where the tester types
// the claims (email, name, groups, whether the email is verified) or cancels, so a test decides who
// signs in. It is not an identity provider to deploy: it checks no password.
//
// By hand: `node --import tsx lib/testing/oidc-provider.ts [port]` prints the settings to give Loupe.
import { createHash, createSign, generateKeyPairSync, randomBytes, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

interface Grant {
  claims: Record<string, unknown>;
  nonce: string | null;
  challenge: string;
  redirectUri: string;
  expires: number;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export async function startTestOidcProvider(opts: { port?: number; host?: string; clientId?: string; clientSecret?: string } = {}): Promise<TestOidcProvider> {
  const clientId = opts.clientId ?? "loupe-test";
  const clientSecret = opts.clientSecret ?? "loupe-test-secret";
  const host = opts.host ?? "127.0.0.1";
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = b64url(randomBytes(8));
  const jwk = { ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" };
  const codes = new Map<string, Grant>();
  const tokens = new Map<string, Record<string, unknown>>();
  let issuer = "";

  const sign = (payload: Record<string, unknown>) => {
    const input = `${b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid }))}.${b64url(JSON.stringify(payload))}`;
    return `${input}.${createSign("RSA-SHA256").update(input).sign(privateKey).toString("base64url")}`;
  };
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    if (status >= 400) console.error(`[test-idp] ${status} ${JSON.stringify(body)}`);
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify(body));
  };
  const readForm = async (req: http.IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
  };
  const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", issuer);
      if (req.method === "GET" && url.pathname === "/.well-known/openid-configuration") {
        return json(res, 200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          userinfo_endpoint: `${issuer}/userinfo`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ["code"],
          subject_types_supported: ["public"],
          id_token_signing_alg_values_supported: ["RS256"],
          code_challenge_methods_supported: ["S256"],
          token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
          scopes_supported: ["openid", "email", "profile", "groups"],
        });
      }
      if (req.method === "GET" && url.pathname === "/jwks") return json(res, 200, { keys: [jwk] });
      if (url.pathname === "/authorize") {
        const p = req.method === "POST" ? await readForm(req) : url.searchParams;
        const redirectUri = p.get("redirect_uri") ?? "";
        if (p.get("client_id") !== clientId || !/^https?:\/\//.test(redirectUri)) return json(res, 400, { error: "invalid_request", error_description: "unknown client_id or bad redirect_uri" });
        if (p.get("response_type") !== "code" || p.get("code_challenge_method") !== "S256" || !p.get("code_challenge")) {
          return json(res, 400, { error: "invalid_request", error_description: "response_type=code with an S256 code_challenge required" });
        }
        const back = new URL(redirectUri);
        back.searchParams.set("iss", issuer);
        if (p.get("state")) back.searchParams.set("state", p.get("state")!);
        if (req.method === "GET") {
          const hidden = ["client_id", "redirect_uri", "response_type", "code_challenge", "code_challenge_method", "state", "nonce", "scope"]
            .map((n) => `<input type="hidden" name="${n}" value="${escapeHtml(p.get(n) ?? "")}">`)
            .join("");
          res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
          return res.end(`<!doctype html><html><head><title>Test identity provider</title></head><body style="font-family:sans-serif;max-width:28rem;margin:3rem auto">
<h1>Test identity provider</h1><p>Sign in to <b>${escapeHtml(clientId)}</b> as:</p>
<form method="post" action="/authorize">${hidden}
<p><label>Email <input name="email" type="email" required></label></p>
<p><label>Name <input name="name"></label></p>
<p><label>Subject <input name="sub" placeholder="defaults to the email"></label></p>
<p><label>Groups <input name="groups" placeholder="comma-separated"></label></p>
<p><label><input type="checkbox" name="email_verified" checked> The address is verified</label></p>
<p><button name="decision" value="allow">Sign in</button> <button name="decision" value="deny" formnovalidate>Cancel</button></p>
</form></body></html>`);
        }
        if (p.get("decision") !== "allow") {
          back.searchParams.set("error", "access_denied");
          res.writeHead(302, { location: back.toString() });
          return res.end();
        }
        const email = p.get("email") ?? "";
        const claims: Record<string, unknown> = {
          sub: p.get("sub") || `sub-${email}`,
          email,
          email_verified: p.get("email_verified") === "on",
          name: p.get("name") ?? "",
          groups: (p.get("groups") ?? "").split(",").map((g) => g.trim()).filter(Boolean),
        };
        const code = b64url(randomBytes(24));
        codes.set(code, { claims, nonce: p.get("nonce") || null, challenge: p.get("code_challenge")!, redirectUri, expires: Date.now() + 60_000 });
        back.searchParams.set("code", code);
        res.writeHead(302, { location: back.toString() });
        return res.end();
      }
      if (req.method === "POST" && url.pathname === "/token") {
        const p = await readForm(req);
        const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
        const [id, secret] = basic
          ? Buffer.from(basic, "base64").toString("utf8").split(":").map((x) => decodeURIComponent(x.replace(/\+/g, " ")))
          : [p.get("client_id") ?? "", p.get("client_secret") ?? ""];
        if (id !== clientId || !sameSecret(secret ?? "", clientSecret)) return json(res, 401, { error: "invalid_client" });
        const grant = codes.get(p.get("code") ?? "");
        codes.delete(p.get("code") ?? "");
        const verifier = p.get("code_verifier") ?? "";
        if (p.get("grant_type") !== "authorization_code" || !grant || grant.expires < Date.now() || grant.redirectUri !== p.get("redirect_uri")) {
          return json(res, 400, { error: "invalid_grant", error_description: grant ? `redirect_uri ${p.get("redirect_uri")} is not ${grant.redirectUri}` : "unknown or used code" });
        }
        if (b64url(createHash("sha256").update(verifier).digest()) !== grant.challenge) return json(res, 400, { error: "invalid_grant", error_description: "PKCE verification failed" });
        const now = Math.floor(Date.now() / 1000);
        const accessToken = b64url(randomBytes(24));
        tokens.set(accessToken, grant.claims);
        const idToken = sign({ iss: issuer, aud: clientId, iat: now, exp: now + 300, ...(grant.nonce ? { nonce: grant.nonce } : {}), ...grant.claims });
        return json(res, 200, { access_token: accessToken, token_type: "Bearer", expires_in: 300, id_token: idToken, scope: "openid email profile" });
      }
      if (url.pathname === "/userinfo") {
        const claims = tokens.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "");
        return claims ? json(res, 200, claims) : json(res, 401, { error: "invalid_token" });
      }
      json(res, 404, { error: "not_found" });
    } catch (err) {
      json(res, 500, { error: "server_error", error_description: (err as Error).message });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    clientId,
    clientSecret,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const p = await startTestOidcProvider({ port: Number(process.argv[2] ?? 0) });
  console.log(`LOUPE_OIDC_ISSUER=${p.issuer} LOUPE_OIDC_CLIENT_ID=${p.clientId} LOUPE_OIDC_CLIENT_SECRET=${p.clientSecret} LOUPE_OIDC_NAME="Test IdP"`);
}
