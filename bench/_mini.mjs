import autocannon from "autocannon";
import { readFileSync } from "node:fs";
import { Log, LogLevel, Miniflare, convertV4MiniflareOptions } from "miniflare";
const mf = new Miniflare(convertV4MiniflareOptions({ host: "127.0.0.1", port: 18777, log: new Log(LogLevel.WARN),
  workers: [{ name: "mini", modules: true, scriptPath: "/tmp/mini/index.js", compatibilityDate: "2026-11-01", compatibilityFlags: process.env.FLAGS ? ["nodejs_compat"] : [] }] }));
await mf.ready;
const { execSync } = await import("node:child_process");
const pid = execSync("pgrep -n workerd").toString().trim();
const rss = () => (Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1]) / 1024).toFixed(0);
console.log("start", rss());
const r = await autocannon({ url: "http://127.0.0.1:18777/", connections: 10, duration: 20 });
console.log("after", r.requests.total, "requests:", rss(), "MiB");
await mf.dispose();
