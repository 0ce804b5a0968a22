/** The local OpenID provider of oidc-provider.mjs, as the workerd tests use it. */
export interface OidcProvider {
  issuer: string;
  seen: { authorize: Record<string, string>[]; token: Record<string, string>[] };
  signInAs(claims: Record<string, unknown> | "deny"): void;
  sign(claims: Record<string, unknown>): Promise<string>;
  handle(request: Request): Promise<Response>;
}
export function oidcProvider(opts: {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  redirectUris: string[];
  now?: () => number;
}): Promise<OidcProvider>;
