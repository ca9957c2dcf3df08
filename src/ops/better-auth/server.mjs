// A real Better Auth with the jwt() plugin, in memory, on 127.0.0.1:$BETTER_AUTH_PORT
import http from "node:http";
import { betterAuth } from "better-auth";
import { jwt } from "better-auth/plugins";
import { memoryAdapter } from "better-auth/adapters/memory";
import { toNodeHandler } from "better-auth/node";

const auth = betterAuth({
  baseURL: process.env.BETTER_AUTH_URL, // spelt with a trailing slash on purpose
  secret: process.env.BETTER_AUTH_SECRET,
  database: memoryAdapter({ user: [], session: [], account: [], verification: [], jwks: [] }),
  emailAndPassword: { enabled: true },
  trustedOrigins: ["http://localhost:3000"],
  plugins: [jwt()],
});
http.createServer(toNodeHandler(auth)).listen(Number(process.env.BETTER_AUTH_PORT), "127.0.0.1", () => console.log("better-auth on", process.env.BETTER_AUTH_PORT));
