/** Running other work while a sent statement executes, without losing the statement's outcome. */

/**
 * Runs `work` (synchronous) while `sent` is in flight, then resolves with `sent`. When `work`
 * throws, the statement is still awaited (its failure, if any, is dropped) before rethrowing, so
 * no rejection goes unhandled and the caller's rollback finds the connection idle.
 */
export async function whileSent<T>(sent: Promise<T>, work: (() => void) | undefined): Promise<T> {
  try {
    work?.();
  } catch (error) {
    await sent.catch(() => {});
    throw error;
  }
  return sent;
}
