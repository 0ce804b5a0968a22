import { WorkerConfig } from "../../schemas/config.ts";

/** The environment does not parse: the named variables are missing or malformed (values never shown). */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly fields: string[];
  constructor(fields: string[]) {
    super(`invalid configuration: ${fields.join(", ")}`);
    this.fields = fields;
  }
}

// The platform hands every request of an isolate the same env object: parse it once.
const parsed = new WeakMap<object, WorkerConfig>();

/** The Worker's configuration from its environment, parsed once; throws ConfigError when it is invalid. */
export function workerConfig(env: object): WorkerConfig {
  let config = parsed.get(env);
  if (!config) {
    const result = WorkerConfig.safeParse(env);
    if (!result.success) throw new ConfigError([...new Set(result.error.issues.map((i) => String(i.path[0])))]);
    config = result.data;
    parsed.set(env, config);
  }
  return config;
}
