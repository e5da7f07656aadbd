import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError, sendJson } from './http-json.js';
import { roomConnection, type RoomConnectionOptions } from './room-connection-route.js';
import { serveStatic } from './static-files.js';

export interface DemoHandlerOptions extends RoomConnectionOptions {
  appDir: string;
  /** Called with the room of every token handed out: the demo starts the room's agent there. */
  onRoomConnection?: (room: string) => void;
}

/**
 * The demo's HTTP routes: `GET /healthz`, `GET /api/room-connection`, and the built app for
 * everything else (with the SPA fallback).
 */
export function demoRequestHandler(options: DemoHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(req, res, options).catch(() => {
      if (!res.headersSent) sendError(res, 500, 'internal', 'internal error');
      else res.destroy();
    });
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: DemoHandlerOptions): Promise<void> {
  const raw = req.url ?? '/';
  const rawPath = raw.split('?')[0] || '/';
  if (!rawPath.startsWith('/')) return sendError(res, 400, 'bad_request', 'bad request target');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return sendError(res, 405, 'method_not_allowed', `${req.method} is not allowed`);
  }
  if (rawPath === '/healthz') return sendJson(res, 200, { status: 'ok' });
  if (rawPath === '/api/room-connection') {
    const url = new URL(raw, 'http://localhost');
    const result = await roomConnection(req, url, options);
    if (!result.ok) return sendError(res, 400, 'bad_request', result.message);
    options.onRoomConnection?.(url.searchParams.get('room')!);
    return sendJson(res, 200, result.body);
  }
  if (rawPath === '/api' || rawPath.startsWith('/api/')) return sendError(res, 404, 'not_found', `no API route ${rawPath}`);
  return serveStatic(req, res, options.appDir, rawPath);
}
