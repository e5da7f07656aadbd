import { RoomError } from '@convene/protocol';
import type { RoomStorage } from '../../storage/storage-backend.js';
import { normalizeStoragePath } from '../../storage/storage-path.js';
import { parseDocumentSchema, type DocumentSchema } from './document-schema.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The schema a request names: the inline `schema`, else the storage file at `schema_path`.
 * Null when it names none (the document's stored schema or `.schemas/<ext>.json` apply then).
 */
export async function requestedSchema(storage: RoomStorage, schema: unknown, schemaPath: unknown): Promise<DocumentSchema | null> {
  if (schema !== null && schema !== undefined) return parseDocumentSchema(schema);
  if (schemaPath === null || schemaPath === undefined || schemaPath === '') return null;
  if (typeof schemaPath !== 'string') throw new RoomError('bad_request', '"schema_path" must be a string');
  const path = normalizeStoragePath(schemaPath);
  const schemaFile = await readSchemaFile(storage, path);
  if (!schemaFile) throw new RoomError('not_found', `no schema file at "${path}"`);
  return schemaFile;
}

/** The room's schema for documents with this path's extension: storage `.schemas/<ext>.json`. */
export async function extensionSchema(storage: RoomStorage, documentPath: string): Promise<DocumentSchema | null> {
  const extension = schemaExtension(documentPath);
  return extension === null ? null : readSchemaFile(storage, `.schemas/${extension}.json`);
}

/** `notes/a.doc` → `doc`; null for names without one (`README`, `.hidden`, `a.`). */
export function schemaExtension(documentPath: string): string | null {
  const name = documentPath.slice(documentPath.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 || dot === name.length - 1 ? null : name.slice(dot + 1);
}

/** The error when no schema applies: says where one can come from. */
export function noSchemaError(documentPath: string): RoomError {
  const extension = schemaExtension(documentPath);
  const hint = extension === null ? '' : ` or store one at ".schemas/${extension}.json"`;
  return new RoomError('bad_request', `no schema for document "${documentPath}": pass one when opening it${hint}`);
}

async function readSchemaFile(storage: RoomStorage, path: string): Promise<DocumentSchema | null> {
  const data = await storage.readFile(path);
  if (data === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(data));
  } catch {
    throw new RoomError('bad_request', `the schema file "${path}" is not valid JSON`);
  }
  return parseDocumentSchema(json);
}
