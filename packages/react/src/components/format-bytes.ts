const UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/**
 * A byte count as people read it: `512 B`, `1.5 KB`, `12 MB` (1 KB = 1024 B, one decimal below 10).
 *
 * @example
 * formatBytes(1536); // "1.5 KB"
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // One decimal only where it changes what a reader takes away ("1.5 MB", but "120 MB").
  const shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${shown} ${UNITS[unit]}`;
}
