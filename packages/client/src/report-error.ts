/**
 * Reports an error thrown by a listener or handler without letting it break the caller's loop.
 * `reportError` exists in browsers (it reaches window.onerror); elsewhere the console is all we have.
 */
export function reportError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === 'function') report(error);
  else console.error(error);
}
