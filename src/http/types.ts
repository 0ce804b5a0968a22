import type { Principal } from "../../schemas/auth.ts";
import type { Services } from "./services.ts";

/** Hono generics for the whole app: the Worker's bindings and the per-request variables. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    services: Services;
    /** Set by `authenticate()`; routes declared with `secured()` always have it. */
    principal: Principal;
  };
};
