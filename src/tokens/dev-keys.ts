import { exportJWK, generateKeyPair } from "jose";

/** A fresh `SIGNING_KEYS` value: one extractable Ed25519 key with a random kid. */
export async function generateSigningKeys(): Promise<string> {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = `k${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  return JSON.stringify({ keys: [{ ...jwk, kid, alg: "EdDSA" }] });
}
