// `npm run bench:profile`: where the join path's CPU goes. Starts the product as `npm run bench`
// does, seats clients in open groups, then records a V8 CPU profile of the Worker's isolate
// through wrangler's inspector (Chrome DevTools protocol) while autocannon re-joins them, and
// prints self time per function and per module. Knobs: PROFILE_SECONDS (8), PROFILE_TARGET
// (join | session | healthz), PROFILE_OUT (also write the .cpuprofile for DevTools).
import { writeFileSync } from "node:fs";
import { inspector } from "./lib/inspector.mjs";
import { healthzTarget, joinTarget, round, sessionTarget } from "./lib/load.mjs";
import { GROUP_CAP, seatClients, seed } from "./lib/seed.mjs";
import { startServer } from "./lib/server.mjs";

const seconds = Number(process.env.PROFILE_SECONDS ?? 8);
const kind = process.env.PROFILE_TARGET ?? "join";
const logPath = new URL("results/wrangler.log", import.meta.url).pathname;

/** Self time per node of a V8 profile, from its samples and time deltas. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (const [i, id] of profile.samples.entries()) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const byFn = new Map();
  const byModule = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const f = byId.get(id).callFrame;
    total += us;
    const mod = (f.url || "(native)").replace(/^.*\/(node_modules\/)?/, "").slice(-60);
    const fn = `${f.functionName || "(anonymous)"}  ${mod}:${f.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
    byModule.set(mod, (byModule.get(mod) ?? 0) + us);
  }
  // Inclusive time: a node's self time plus its descendants', summed per function (outermost
  // frame only, so recursion is not counted twice).
  const inclusive = new Map();
  const walk = (node, onStack) => {
    let sum = self.get(node.id) ?? 0;
    const f = node.callFrame;
    const key = `${f.functionName || "(anonymous)"}  ${(f.url || "(native)").replace(/^.*\//, "")}:${f.lineNumber + 1}`;
    const outer = !onStack.has(key);
    if (outer) onStack.add(key);
    for (const child of node.children ?? []) sum += walk(byId.get(child), onStack);
    if (outer) {
      onStack.delete(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + sum);
    }
    return sum;
  };
  walk(profile.nodes[0], new Set());
  return { total, byFn, byModule, inclusive };
}

const top = (map, total, n) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([k, us]) => `${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`,
    )
    .join("\n");

const say = (msg) => console.error(`profile: ${msg}`);
say("starting the server");
const server = await startServer({ logPath, logLevel: "warn" });
try {
  say("seeding 20 open groups of 12");
  const world = await seed(server.base, server.secrets.SIGNING_KEYS, { groups: 20, clients: 20 * GROUP_CAP });
  const pairs = await seatClients(server.base, world, world.sessions);
  const targets = {
    join: joinTarget(server.base, pairs),
    session: sessionTarget(server.base, world.sessions),
    healthz: healthzTarget(server.base),
  };
  const target = targets[kind];
  if (!target) throw new Error(`PROFILE_TARGET must be one of ${Object.keys(targets).join(", ")}`);
  say(`warm-up, then ${seconds} s of ${kind} under the profiler`);
  await round(target, { seconds: 2, connections: 10 });
  const cdp = await inspector(server.inspectorPort, server.base);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
  await cdp.send("Profiler.start");
  const r = await round(target, { seconds, connections: 10 });
  const { profile } = await cdp.send("Profiler.stop");
  cdp.close();
  if (process.env.PROFILE_OUT) writeFileSync(process.env.PROFILE_OUT, JSON.stringify(profile));
  const ok = Object.entries(r.statuses)
    .filter(([c]) => c < 300)
    .reduce((s, [, n]) => s + n, 0);
  const { total, byFn, byModule, inclusive } = selfTimes(profile);
  const busy = total - [...byFn.entries()].filter(([k]) => k.startsWith("(idle)")).reduce((s, [, us]) => s + us, 0);
  console.log(`isolate: ${cdp.title}; ${kind}: ${ok} answers 2xx in ${seconds} s (${JSON.stringify(r.statuses)})`);
  console.log(`JS thread busy ${(busy / 1000).toFixed(0)} ms = ${(busy / 1000 / ok).toFixed(2)} ms per answer\n`);
  console.log(`by module (self time)\n${top(byModule, total, 15)}\n`);
  console.log(`by function (self time)\n${top(byFn, total, 40)}\n`);
  inclusive.delete([...inclusive.keys()].find((k) => k.startsWith("(root)")));
  console.log(`by function (inclusive: itself and what it calls synchronously)\n${top(inclusive, total, 40)}`);
} finally {
  await server.stop();
}
