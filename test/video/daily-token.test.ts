import { decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import type { JoinGrant, JoinRole } from "../../schemas/join-token.ts";
import { mintDailyToken } from "../../src/video/daily/token.ts";

const CONFIG = {
  apiKey: "4f9c0e1b2a3d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f",
  domainId: crypto.randomUUID(),
};
const key = (k = CONFIG.apiKey) => new TextEncoder().encode(k);
const now = Math.floor(Date.now() / 1000);

function grant(role: JoinRole, over: Partial<JoinGrant> = {}): JoinGrant {
  return {
    sub: "clt_7f3k2p9d4x",
    sid: "occ_4k9d2m7q1x8c",
    room: "r_8c3v5b4k9d2m7q1x0abcdefgh",
    role,
    nbf: now - 60,
    exp: now + 3600,
    jti: "jti_0123456789abcdef",
    ...over,
  };
}

const mint = (role: JoinRole, over: Partial<JoinGrant> = {}) =>
  mintDailyToken(CONFIG, { grant: grant(role, over), callName: "Blue Heron", now });

async function claims(token: string, k = key(), at = now) {
  return (await jwtVerify(token, k, { algorithms: ["HS256"], currentDate: new Date(at * 1000) })).payload;
}

describe("Daily self-signed meeting tokens", () => {
  it("a client's token holds exactly the room, domain, user id, call name, window and eject-at-exp", async () => {
    const token = await mint("client");
    expect(decodeProtectedHeader(token)).toEqual({ alg: "HS256", typ: "JWT" });
    expect(await claims(token)).toEqual({
      r: "r_8c3v5b4k9d2m7q1x0abcdefgh",
      d: CONFIG.domainId,
      ud: "clt_7f3k2p9d4x",
      u: "Blue Heron",
      ejt: true,
      iat: now,
      nbf: now - 60,
      exp: now + 3600,
    });
  });

  it("family joins as clients do: present, sending, not an owner", async () => {
    const c = await claims(await mint("family"));
    expect(c.o).toBeUndefined();
    expect(c.p).toBeUndefined();
    expect(c).not.toHaveProperty("vo");
  });

  it("only facilitators are owners", async () => {
    const roles: JoinRole[] = ["facilitator", "client", "family", "observer"];
    const owners = [];
    for (const role of roles) if ((await claims(await mint(role))).o === true) owners.push(role);
    expect(owners).toEqual(["facilitator"]);
    const f = await claims(await mint("facilitator"));
    // Owners ignore `p`: none is sent.
    expect(f.p).toBeUndefined();
  });

  it("observers are hidden and can send nothing, with camera and microphone off at join", async () => {
    const c = await claims(await mint("observer"));
    expect(c.p).toEqual({ hp: false, cs: false });
    expect(c.vo).toBe(true);
    expect(c.ao).toBe(true);
    expect(c.o).toBeUndefined();
  });

  it("takes nbf and exp from the grant, never from the clock", async () => {
    const token = await mint("client", { nbf: now + 600, exp: now + 4200 });
    // Not yet valid now, as Daily would refuse a join before nbf; valid once the window opens.
    await expect(claims(token)).rejects.toMatchObject({ code: "ERR_JWT_CLAIM_VALIDATION_FAILED", claim: "nbf" });
    const c = await claims(token, key(), now + 600);
    expect(c.nbf).toBe(now + 600);
    expect(c.exp).toBe(now + 4200);
    expect(c.iat).toBe(now);
  });

  it("carries no token id and nothing personal beyond the call name", async () => {
    const c = await claims(await mint("client"));
    expect(c).not.toHaveProperty("jti");
    expect(c).not.toHaveProperty("sub");
    expect(JSON.stringify(c)).not.toContain("occ_4k9d2m7q1x8c");
  });

  it("does not verify under another key, or once tampered", async () => {
    const token = await mint("client");
    await expect(claims(token, key("another-domain-api-key-0123456789abcdef"))).rejects.toMatchObject({
      code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
    });
    const [h, p, s] = token.split(".");
    const forged = JSON.parse(atob((p ?? "").replace(/-/g, "+").replace(/_/g, "/")));
    forged.o = true;
    const b64 = btoa(JSON.stringify(forged)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    await expect(claims(`${h}.${b64}.${s}`)).rejects.toMatchObject({ code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" });
  });

  it("refuses what Daily would not accept: no key, no domain, a user id over 36 characters, a bad grant", async () => {
    const req = { grant: grant("client"), callName: "Blue Heron", now };
    expect(() => mintDailyToken({ apiKey: "", domainId: CONFIG.domainId }, req)).toThrow(RangeError);
    expect(() => mintDailyToken({ apiKey: CONFIG.apiKey, domainId: "" }, req)).toThrow(RangeError);
    expect(() => mintDailyToken(CONFIG, { ...req, grant: grant("client", { sub: `clt_${"a".repeat(33)}` }) })).toThrow(
      /36/,
    );
    expect(() => mintDailyToken(CONFIG, { ...req, grant: grant("client", { exp: now - 120 }) })).toThrow();
    expect(() => mintDailyToken(CONFIG, { ...req, grant: grant("client", { room: "Jane's room" }) })).toThrow();
    expect(() => mintDailyToken(CONFIG, { ...req, callName: " " })).toThrow(RangeError);
  });
});
