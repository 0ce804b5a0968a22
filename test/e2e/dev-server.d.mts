/** A process started by `startDev`. */
export interface DevChild {
  pid?: number;
  exitCode: number | null;
}
/** The first port from `from` that nobody listens on. */
export function freePort(from: number): Promise<number>;
/** `npm start` with its state, `.dev.vars` and demo ids in `dir`, on `port`, in a process group of its own. */
export function startDev(dir: string, port: number): Promise<{ child: DevChild; logPath: string }>;
/** Wait until `npm start` has printed its whole banner. */
export function waitForBanner(child: DevChild, logPath: string): Promise<string>;
/** Stop the process group: start.mjs, wrangler and the workerd it started. */
export function stop(child: DevChild): Promise<void>;
