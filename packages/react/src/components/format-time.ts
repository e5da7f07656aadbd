let formatter: Intl.DateTimeFormat | undefined;

/**
 * A message time as the reader's locale writes hours and minutes ("9:05 AM", "09:05").
 *
 * @example
 * formatTime(message.time);
 */
export function formatTime(time: number): string {
  // One formatter for every message: constructing Intl formatters is the slow part.
  formatter ??= new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
  return formatter.format(time);
}
