/** The folder of room storage the files panel shows and uploads into. */
export const FILES_FOLDER = 'files';

/**
 * A file name the room's storage accepts as one path segment: no slashes or control characters,
 * no surrounding spaces or trailing dot (the server refuses those rather than guessing).
 */
export function storageFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = name.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim().replace(/\.+$/, '');
  const safe = cleaned === '' || cleaned === '..' ? 'file' : cleaned;
  return safe.slice(0, 200);
}
