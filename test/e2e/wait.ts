/** Bounded polling: every wait in the suite goes through here, none sleeps a fixed time for its own sake. */

const tick = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` every `intervalMs` until it is truthy or `timeoutMs` passed; false on timeout. */
export async function pollUntil(probe: () => unknown | Promise<unknown>, timeoutMs: number, intervalMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() >= deadline) return false;
    await tick(intervalMs);
  }
}

/**
 * Polls `probe` until it returns a value other than undefined; throws `describe()` on
 * timeout, so the message can say what was last seen.
 */
export async function waitForValue<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number,
  describe: () => string, intervalMs = 200): Promise<T> {
  let value: T | undefined;
  const ok = await pollUntil(async () => (value = await probe()) !== undefined, timeoutMs, intervalMs);
  if (!ok || value === undefined) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
  return value;
}
