// The local OpenID provider (oidc-provider.mjs) as an HTTP server on 127.0.0.1, for the browser
// tests and for trying staff sign-in by hand. Besides the protocol it answers one test-only call,
// `POST /test/sign-in-as` with the next account's claims as JSON: a real provider would show its
// login form there. Plain Node.
import { createServer } from "node:http";
import { oidcProvider } from "./oidc-provider.mjs";

/** Start on `port`; resolves to the issuer URL and a `close()`. */
export async function startOidcServer({ port, clientId, redirectUris }) {
  const issuer = `http://127.0.0.1:${port}`;
  const provider = await oidcProvider({ issuer, clientId, redirectUris });
  const server = createServer(async (req, res) => {
    try {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      if (req.method === "POST" && req.url === "/test/sign-in-as") {
        const claims = JSON.parse(body.toString("utf8"));
        provider.signInAs(claims);
        res.writeHead(204).end();
        return;
      }
      const request = new Request(`${issuer}${req.url}`, {
        method: req.method,
        headers: Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])),
        ...(req.method === "GET" || req.method === "HEAD" ? {} : { body }),
      });
      const answer = await provider.handle(request);
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch (err) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(err));
    }
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { issuer, close: () => new Promise((resolve) => server.close(resolve)) };
}
