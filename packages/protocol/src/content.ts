import { ERROR_STATUS, ProtocolError, type ErrorCode } from './errors.js';
import { isPlainObject, pack, unpack } from './packing.js';

/**
 * Content envelopes (PROTOCOL.md §3): the typed values carried by requests, responses and stream
 * chunks. The JSON header's `type` selects the kind; `binary` and `file` carry a payload.
 */
export type Content =
  | { type: 'json'; json: unknown }
  | { type: 'text'; text: string }
  | { type: 'binary'; headers: Record<string, unknown>; data: Uint8Array }
  | { type: 'file'; name: string; mimeType: string; data: Uint8Array }
  | { type: 'link'; name: string; url: string }
  | { type: 'empty' }
  | { type: 'error'; text: string; code?: number }
  | { type: 'control'; method: 'open' | 'close'; statusCode?: number; message?: string };

const EMPTY = new Uint8Array(0);

export const EMPTY_CONTENT: Content = Object.freeze({ type: 'empty' }) as Content;

/** Splits a Content into the JSON header the wire carries and its payload. */
export function contentToWire(content: Content): { header: Record<string, unknown>; payload: Uint8Array } {
  switch (content.type) {
    case 'json':
      return { header: { type: 'json', json: content.json }, payload: EMPTY };
    case 'text':
      return { header: { type: 'text', text: content.text }, payload: EMPTY };
    case 'binary':
      return { header: { type: 'binary', headers: content.headers }, payload: content.data };
    case 'file':
      return { header: { type: 'file', name: content.name, mime_type: content.mimeType }, payload: content.data };
    case 'link':
      return { header: { type: 'link', name: content.name, url: content.url }, payload: EMPTY };
    case 'empty':
      return { header: { type: 'empty' }, payload: EMPTY };
    case 'error': {
      const header: Record<string, unknown> = { type: 'error', text: content.text };
      if (content.code !== undefined) header['code'] = content.code;
      return { header, payload: EMPTY };
    }
    case 'control': {
      const header: Record<string, unknown> = { type: 'control', method: content.method };
      if (content.statusCode !== undefined) header['status_code'] = content.statusCode;
      if (content.message !== undefined) header['message'] = content.message;
      return { header, payload: EMPTY };
    }
  }
}

/** Reads a Content from its wire header and payload; throws only {@link ProtocolError}. */
export function contentFromWire(header: unknown, payload: Uint8Array = EMPTY): Content {
  if (!isPlainObject(header)) throw new ProtocolError('content header must be an object');
  const field = (name: string): string => {
    const value = header[name];
    if (typeof value !== 'string') throw new ProtocolError(`${String(header['type'])} content needs a string "${name}"`);
    return value;
  };
  switch (header['type']) {
    case 'json':
      return { type: 'json', json: header['json'] ?? null };
    case 'text':
      return { type: 'text', text: field('text') };
    case 'binary': {
      const headers = header['headers'];
      if (headers !== undefined && headers !== null && !isPlainObject(headers)) {
        throw new ProtocolError('binary content "headers" must be an object');
      }
      return { type: 'binary', headers: headers ?? {}, data: payload };
    }
    case 'file':
      return { type: 'file', name: field('name'), mimeType: field('mime_type'), data: payload };
    case 'link':
      return { type: 'link', name: field('name'), url: field('url') };
    case 'empty':
      return { type: 'empty' };
    case 'error': {
      const raw = header['code'];
      const code = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : undefined;
      const text = typeof header['text'] === 'string' ? header['text'] : 'error';
      return code === undefined ? { type: 'error', text } : { type: 'error', text, code };
    }
    case 'control': {
      const method = header['method'];
      if (method !== 'open' && method !== 'close') throw new ProtocolError('control content "method" must be open or close');
      const content: Content = { type: 'control', method };
      if (typeof header['status_code'] === 'number') content.statusCode = header['status_code'];
      if (typeof header['message'] === 'string') content.message = header['message'];
      return content;
    }
    default:
      throw new ProtocolError(`unknown content type ${JSON.stringify(header['type'])}`);
  }
}

/** Packs a Content as message data (`pack{header}+payload`). */
export function packContent(content: Content): Uint8Array {
  const { header, payload } = contentToWire(content);
  return pack(header, payload);
}

/** Unpacks message data into a Content. */
export function unpackContent(data: Uint8Array): Content {
  const { header, payload } = unpack(data);
  return contentFromWire(header, payload);
}

/** An `error` Content for a typed error code. */
export function errorContent(code: ErrorCode, text: string): Content {
  return { type: 'error', text, code: ERROR_STATUS[code] };
}
