import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { contentType } from './content-types.js';

type Outcome = { status: 200; file: string; size: number } | { status: 400 | 404 };

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Maps a raw request path to a file under `root`. Dot segments, backslashes, NUL and encoded
 * separators are refused (400) before anything touches the disk; whatever resolves outside the
 * root is 404. Paths without an extension that match no file get index.html (the SPA fallback).
 */
export async function resolveStatic(root: string, rawPath: string): Promise<Outcome> {
  if (/%2f|%5c|%00/i.test(rawPath) || rawPath.includes('\\')) return { status: 400 };
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { status: 400 };
  }
  if (path.includes('\0') || path.split('/').some((segment) => segment === '..' || segment === '.')) return { status: 400 };
  const base = resolve(root);
  const target = resolve(base, `.${path}`);
  if (target !== base && !target.startsWith(base + sep)) return { status: 404 };
  const candidate = path.endsWith('/') ? join(target, 'index.html') : target;
  const size = await fileSize(candidate);
  if (size !== undefined) return { status: 200, file: candidate, size };
  if (extname(path) !== '') return { status: 404 };
  const index = join(base, 'index.html');
  const indexSize = await fileSize(index);
  return indexSize === undefined ? { status: 404 } : { status: 200, file: index, size: indexSize };
}

/** Serves the built app from `root` (GET and HEAD); hashed assets are cached for a year. */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, root: string, rawPath: string): Promise<void> {
  const outcome = await resolveStatic(root, rawPath);
  if (outcome.status !== 200) {
    res.writeHead(outcome.status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(outcome.status === 400 ? 'bad request\n' : 'not found\n');
    return;
  }
  const immutable = rawPath.startsWith('/assets/');
  res.writeHead(200, {
    'content-type': contentType(outcome.file),
    'content-length': outcome.size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(outcome.file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
