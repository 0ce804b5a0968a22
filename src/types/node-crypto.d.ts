// The one node: API the Worker uses (under nodejs_compat). Declared here rather than pulling in
// @types/node, whose globals clash with the Workers runtime types.
declare module "node:crypto" {
  interface Hash {
    update(data: string): Hash;
    digest(encoding: "hex"): string;
  }
  export function createHash(algorithm: "sha256"): Hash;
}
