/** One delivery the receiver verified: its webhook-id, raw body, and whether it answered 2xx. */
export interface Got {
  id: string;
  body: string;
  ok: boolean;
}
export interface ReceiverState {
  failing: boolean;
  secret: string;
  got: Got[];
  rejected: number;
}
/** Listen on 127.0.0.1:`port`, verifying each delivery with standardwebhooks against `state.secret`. */
export function startReceiver(port: number): Promise<{ state: ReceiverState; close: () => Promise<void> }>;
/** A throwaway IOP_DEV_DIR with a `.dev.vars` holding `vars`. */
export function devDir(vars: Record<string, string>): Promise<{ dir: string; remove: () => Promise<void> }>;
