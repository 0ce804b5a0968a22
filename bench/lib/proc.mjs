// Reads /proc for the benchmark: which processes belong to our wrangler process group, their CPU
// time and their resident memory. Linux only; elsewhere the figures come back as null.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second for utime/stime in /proc/<pid>/stat (almost always 100). */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

const PAGE_BYTES = (() => {
  try {
    return Number(execFileSync("getconf", ["PAGESIZE"], { encoding: "utf8" }).trim()) || 4096;
  } catch {
    return 4096;
  }
})();

/** Parse /proc/<pid>/stat; the command name may contain spaces, so split after its closing paren. */
function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const f = text.slice(close + 2).split(" ");
    // f[0] is field 3 (state): field n is f[n - 3].
    return {
      pid,
      comm,
      ppid: Number(f[1]),
      pgid: Number(f[2]),
      cpuTicks: Number(f[11]) + Number(f[12]),
      rssBytes: Number(f[21]) * PAGE_BYTES,
    };
  } catch {
    return null; // the process ended between listing and reading
  }
}

/** Every live process whose process group is `pgid`. */
export function groupProcesses(pgid) {
  let pids;
  try {
    pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  return pids.map((p) => stat(Number(p))).filter((s) => s && s.pgid === pgid);
}

/** The workerd processes wrangler started in our group (wrangler itself is a node process). */
export function workerdProcesses(pgid) {
  return groupProcesses(pgid).filter((p) => p.comm.startsWith("workerd"));
}

/** The command line of a process, or "" once it has gone. */
export function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/** CPU milliseconds (user + system) consumed so far by each of the given processes, by pid. */
export function cpuMsByPid(procs) {
  const out = new Map();
  for (const p of procs) {
    const now = stat(p.pid);
    if (now) out.set(p.pid, (now.cpuTicks * 1000) / CLK_TCK);
  }
  return out;
}

/** CPU milliseconds spent between two `cpuMsByPid` readings, by processes alive at both. */
export function cpuDeltaMs(before, after) {
  let ms = 0;
  for (const [pid, v] of after) if (before.has(pid)) ms += v - before.get(pid);
  return ms;
}

/** CPU milliseconds the whole machine has been busy (all cores, from /proc/stat), or null. */
export function machineBusyMs() {
  try {
    const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: everything but idle and iowait is busy.
    const [user, nice, system, , , irq, softirq, steal] = cpu;
    return ((user + nice + system + irq + softirq + steal) * 1000) / CLK_TCK;
  } catch {
    return null;
  }
}

/** Resident memory in bytes of the given processes, summed. */
export function rssBytes(procs) {
  let bytes = 0;
  for (const p of procs) bytes += stat(p.pid)?.rssBytes ?? 0;
  return bytes;
}

/**
 * Sample every `everyMs` the RSS of each named process set (`sets()` → name → processes) until
 * stopped; samples carry the phase they were taken in.
 */
export function memorySampler(sets, everyMs = 1000) {
  const samples = [];
  let phase = "start";
  const take = () => {
    const bytes = Object.fromEntries(Object.entries(sets()).map(([k, procs]) => [k, rssBytes(procs)]));
    samples.push({ t: Date.now(), phase, bytes });
  };
  take();
  const timer = setInterval(take, everyMs);
  timer.unref();
  const stats = (name) => {
    const values = samples.map((s) => s.bytes[name] ?? 0);
    return { startBytes: values[0] ?? null, peakBytes: Math.max(...values), endBytes: values.at(-1) ?? null };
  };
  return {
    /** Label the following samples (seed, healthz, join, burst…). */
    phase(name) {
      phase = name;
      take();
    },
    stop() {
      clearInterval(timer);
      take();
      const names = Object.keys(samples[0]?.bytes ?? {});
      return {
        samples: samples.length,
        ...Object.fromEntries(names.map((n) => [n, stats(n)])),
        series: samples,
      };
    },
  };
}
