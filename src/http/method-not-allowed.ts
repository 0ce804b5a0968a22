/** Methods registered for a concrete path, from the app's route table, to tell 404 from 405. */
export function allowedMethods(routes: readonly { method: string; path: string }[], path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === "ALL" || route.path.includes("*")) continue;
    if (pathPattern(route.path).test(path)) methods.add(route.method);
  }
  return [...methods].sort();
}

const patterns = new Map<string, RegExp>();
function pathPattern(routePath: string): RegExp {
  let re = patterns.get(routePath);
  if (!re) {
    const source = routePath
      .split("/")
      .map((seg) => (seg.startsWith(":") ? "[^/]+" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("/");
    re = new RegExp(`^${source}/?$`);
    patterns.set(routePath, re);
  }
  return re;
}
