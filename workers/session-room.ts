import { DurableObject } from "cloudflare:workers";

/** One per session occurrence: room state, waiting room, seats and live presence (built out by the rooms issue). */
export class SessionRoom extends DurableObject<Env> {}
