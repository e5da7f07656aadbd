import type { ServerResponse } from 'node:http';

export type ApiErrorCode = 'bad_request' | 'not_found' | 'method_not_allowed' | 'internal';

/** Writes a JSON body; no caching, since API answers (tokens) are per request. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** The API's error shape: `{ error: { code, message } }`. */
export function sendError(res: ServerResponse, status: number, code: ApiErrorCode, message: string): void {
  sendJson(res, status, { error: { code, message } });
}
