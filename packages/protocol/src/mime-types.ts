export const DEFAULT_MIME_TYPE = 'application/octet-stream';

/**
 * The same table as MeshAgent's client (storage-client.js), shared by our client (the type an upload
 * announces) and server (the type a download gets), so every side agrees on a file's type.
 */
const BY_SUFFIX: readonly (readonly [string, string])[] = [
  ['.tar.gz', 'application/x-tar'],
  ['.tgz', 'application/x-tar'],
];
const BY_EXTENSION: ReadonlyMap<string, string> = new Map([
  ['.bin', 'application/octet-stream'],
  ['.css', 'text/css'],
  ['.csv', 'text/csv'],
  ['.gif', 'image/gif'],
  ['.gz', 'application/gzip'],
  ['.htm', 'text/html'],
  ['.html', 'text/html'],
  ['.jpeg', 'image/jpeg'],
  ['.jpg', 'image/jpeg'],
  ['.js', 'text/javascript'],
  ['.json', 'application/json'],
  ['.md', 'text/markdown'],
  ['.mp3', 'audio/mpeg'],
  ['.mp4', 'video/mp4'],
  ['.pdf', 'application/pdf'],
  ['.png', 'image/png'],
  ['.svg', 'image/svg+xml'],
  ['.tar', 'application/x-tar'],
  ['.txt', 'text/plain'],
  ['.ts', 'text/typescript'],
  ['.tsx', 'text/tsx'],
  ['.wasm', 'application/wasm'],
  ['.webp', 'image/webp'],
  ['.xml', 'application/xml'],
  ['.yaml', 'application/yaml'],
  ['.yml', 'application/yaml'],
  ['.zip', 'application/zip'],
]);

/**
 * The MIME type of a file name, from its extension. Storage keeps bytes only, so downloads get
 * their type from the name, as uploads do in MeshAgent's client.
 *
 * @example
 * mimeTypeOf('notes/a.md') // 'text/markdown'
 */
export function mimeTypeOf(name: string): string {
  const lower = name.toLowerCase();
  for (const [suffix, type] of BY_SUFFIX) if (lower.endsWith(suffix)) return type;
  const dot = lower.lastIndexOf('.');
  return (dot >= 0 && BY_EXTENSION.get(lower.slice(dot))) || DEFAULT_MIME_TYPE;
}
