// The peer of `npm run bench` (issue 20): a plain Node token server written from LiveKit's docs,
// the yardstick for what a join costs. It verifies the caller's EdDSA bearer with jose, counts a
// seat in memory (cap per session, a client already seated is admitted again) and mints LiveKit's
// AccessToken with livekit-server-sdk. No storage, no audit, no second hop: what our join adds on
// top of this is what the bench's comparison shows. Configured by the environment (below); prints
// `peer listening on <port>` when ready. Run by bench/lib/peer.mjs, never by the product.
import { createServer } from "node:http";
import { createLocalJWKSet, jwtVerify } from "jose";
import { AccessToken } from "livekit-server-sdk";

const { PEER_PORT, PEER_JWKS, PEER_ISSUER, PEER_AUDIENCE, LIVEKIT_API_KEY, LIVEKIT_API_SECRET } = process.env;
const CAP = Number(process.env.PEER_CAP ?? 12);
const keys = createLocalJWKSet(JSON.parse(PEER_JWKS));
const seats = new Map();
const JOIN = /^\/v1\/sessions\/([A-Za-z0-9_]+)\/join$/;

function answer(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function join(req, res, sessionId) {
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  if (!bearer) return answer(res, 401, { title: "no token" });
  let sub;
  try {
    const { payload } = await jwtVerify(bearer, keys, {
      issuer: PEER_ISSUER,
      audience: PEER_AUDIENCE,
      algorithms: ["EdDSA"],
    });
    if (!Array.isArray(payload.roles) || !payload.roles.includes("client")) return answer(res, 403, { title: "role" });
    sub = payload.sub;
  } catch {
    return answer(res, 401, { title: "invalid token" });
  }
  const seated = seats.get(sessionId) ?? new Set();
  seats.set(sessionId, seated);
  if (!seated.has(sub)) {
    if (seated.size >= CAP) return answer(res, 409, { title: "group full" });
    seated.add(sub);
  }
  const at = new AccessToken(LIVEKIT_API_KEY, LIVEKIT_API_SECRET, { identity: sub, ttl: 600 });
  at.addGrant({ roomJoin: true, room: sessionId, canPublish: true, canSubscribe: true });
  answer(res, 200, { status: "admitted", token: await at.toJwt() });
}

const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    if (req.method === "GET" && req.url === "/healthz") return answer(res, 200, { status: "ok" });
    const m = req.method === "POST" ? JOIN.exec(req.url ?? "") : null;
    if (!m) return answer(res, 404, { title: "not found" });
    join(req, res, m[1]).catch(() => answer(res, 500, { title: "error" }));
  });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(PEER_PORT), "127.0.0.1", () => console.log(`peer listening on ${PEER_PORT}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
