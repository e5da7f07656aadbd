import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConveneError } from '@convene/protocol';
import type { Logger } from '../logger.js';
import type { DownloadGrant, DownloadTokens } from './download-token.js';
import { mimeTypeOf } from '@convene/protocol';
import type { RoomStorage, StorageBackend } from './storage-backend.js';
import { normalizeStoragePath } from './storage-path.js';

const ROUTE = /^\/rooms\/([^/]+)\/files\/(.+)$/;
const READ_CHUNK_BYTES = 256 * 1024;

export interface DownloadRouteOptions {
  storage: StorageBackend;
  tokens: DownloadTokens;
  logger: Logger;
}

/**
 * `GET /rooms/<room>/files/<path>?token=<download token>`: the target of `storage.download_url`.
 * Streams the file with its type and length; the token (signed by the server, bound to this room
 * and path, a few minutes long) is the only credential. Returns false for other URLs so the
 * caller can route them.
 */
export function createDownloadRoute(options: DownloadRouteOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = ROUTE.exec(url.pathname);
    if (!match) return false;
    if (req.method !== 'GET') {
      reply(res, 405, 'only GET is supported\n', { allow: 'GET' });
      return true;
    }
    void serve(options, match[1]!, match[2]!, url.searchParams.get('token'), res);
    return true;
  };
}

async function serve(
  { storage, tokens, logger }: DownloadRouteOptions,
  rawRoom: string,
  rawPath: string,
  token: string | null,
  res: ServerResponse,
): Promise<void> {
  if (!token) return reply(res, 401, 'a download token is required\n');
  let grant: DownloadGrant;
  try {
    grant = await tokens.verify(token);
  } catch (error) {
    return reply(res, 401, `${error instanceof ConveneError ? error.message : 'the download link is not valid'}\n`);
  }
  let room: string;
  let path: string;
  try {
    room = decodeURIComponent(rawRoom);
    path = normalizeStoragePath(rawPath.split('/').map(decodeURIComponent).join('/'));
  } catch {
    return reply(res, 400, 'bad file URL\n');
  }
  if (grant.room !== room || grant.path !== path) return reply(res, 403, 'the download link is for another file\n');
  let file: Awaited<ReturnType<RoomStorage['read']>>;
  try {
    file = await storage.forRoom(room).read(path, { chunkSize: READ_CHUNK_BYTES });
  } catch (error) {
    if (error instanceof ConveneError && error.code === 'not_found') return reply(res, 404, 'no such file\n');
    logger.error('download failed', { room, error: String(error) });
    return reply(res, 500, 'download failed\n');
  }
  res.writeHead(200, {
    'content-type': mimeTypeOf(file.entry.name),
    'content-length': String(file.entry.size ?? 0),
    'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(file.entry.name)}`,
    'cache-control': 'private, no-store',
    // Room files are user content: never sniffed, never run as a page of this origin.
    'x-content-type-options': 'nosniff',
    'content-security-policy': "sandbox; default-src 'none'",
  });
  try {
    // pipeline applies backpressure and, if the client goes away, ends the iterator (closing the file).
    await pipeline(Readable.from(file.chunks, { objectMode: false }), res);
  } catch (error) {
    logger.debug('download interrupted', { room, error: String(error) });
    res.destroy();
  }
}

function reply(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}
