// What the guide's browser code does, from Node: sign up, then a token two ways, then the API
import { createAuthClient } from "better-auth/client";
import { jwtClient } from "better-auth/client/plugins";

const AUTH = `http://127.0.0.1:${process.env.BETTER_AUTH_PORT}`;
const API = process.env.API_URL;
const signUp = await fetch(`${AUTH}/api/auth/sign-up/email`, {
  method: "POST",
  headers: { "Content-Type": "application/json", Origin: "http://localhost:3000" },
  body: JSON.stringify({ email: `e2e-${Date.now()}@example.com`, password: "correct horse battery", name: "E2E" }),
});
console.log("sign-up", signUp.status);
const cookie = signUp.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
const authClient = createAuthClient({ baseURL: AUTH, plugins: [jwtClient()], fetchOptions: { headers: { cookie } } });

const { data, error } = await authClient.token();
if (error) throw new Error(JSON.stringify(error));
const token = data.token;
const [header, payload] = token.split(".").slice(0, 2).map((part) => JSON.parse(Buffer.from(part, "base64url")));
console.log("authClient.token() header", JSON.stringify(header));
console.log("claims iss", payload.iss, "aud", payload.aud, "sub", payload.sub, "exp-iat", payload.exp - payload.iat);

let headerJwt = null;
await authClient.getSession({ fetchOptions: { onSuccess: (ctx) => { headerJwt = ctx.response.headers.get("set-auth-jwt"); } } });
console.log("set-auth-jwt present", headerJwt !== null);

const sessionToken = cookie.match(/better-auth\.session_token=([^;]+)/)?.[1];
for (const [name, bearer] of [["jwt() via token()", token], ["jwt() via set-auth-jwt", headerJwt], ["session token", decodeURIComponent(sessionToken ?? "x")]]) {
  const me = await fetch(`${API}/api/me`, { headers: { Authorization: `Bearer ${bearer}` } });
  console.log(`API /api/me with ${name}:`, me.status, me.status === 200 ? JSON.stringify(await me.json()) : "");
}
const created = await fetch(`${API}/api/tasks`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify({ title: "From Better Auth" }) });
console.log("POST /api/tasks", created.status, "Location", created.headers.get("Location"), "resolved", new URL(created.headers.get("Location"), created.url).href);
