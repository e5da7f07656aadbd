import { describe, expect, it } from 'vitest';
import { PermissionError, type RoomClient } from '@convene/client';
import { participantToken } from '@convene/client/tokens';
import type { ApiScope, Content } from '@convene/protocol';
import type { RunningRoomServer } from '@convene/server';
import { conveneClient } from './convene.js';
import { SECRET } from './server.js';

/**
 * One row of the authorization matrix (test/authorization-matrix*.test.ts): an operation, the
 * smallest token that may do it, and tokens that each lack one grant it needs. Running a row
 * proves that the refused tokens get `permission_denied` and change nothing, while the granted
 * token (otherwise alike) succeeds, so the grant is the only difference.
 */
export interface MatrixRow<S = unknown> {
  /** `<toolkit>.<tool>` as the server's catalog names it (several rows may share one). */
  tool: string;
  /** What this row exercises, when a tool has several rows. */
  label?: string;
  granted: ApiScope;
  /** Why it is refused → a token without that grant. */
  refused: Record<string, ApiScope>;
  /** Puts the room into the row's starting state (runs before every case). */
  prepare?(): Promise<void>;
  attempt(client: RoomClient): Promise<unknown>;
  /** What a user could observe about the state the operation would change or reveal. */
  state(client: RoomClient): Promise<S>;
  /** The granted case: what the attempt returned, and the state before and after. */
  succeeded(result: unknown, before: S, after: S): void;
  /** Text a refusal must not reveal (file names, contents, table or queue names). */
  hidden?: string[];
}

export const rowName = (row: MatrixRow): string => (row.label ? `${row.tool} (${row.label})` : row.tool);

/** A started client whose token carries exactly `api`; the caller disposes it. */
export async function joinWith(server: RunningRoomServer, room: string, name: string, api: ApiScope): Promise<RoomClient> {
  const client = conveneClient({
    url: server.url,
    room,
    name,
    authorization: async () => ({ url: `${server.url}/rooms/${room}`, jwt: await participantToken({ name, room, secret: SECRET, api }) }),
  });
  await client.start();
  return client;
}

/**
 * The outcome must be a permission refusal: a thrown `PermissionError` (code `permission_denied`,
 * with a message), or, for wire-level attempts, an `error` Content with status 403 and a text.
 * Returns the message so callers can check it reveals nothing.
 */
export function expectPermissionRefusal(outcome: { error: unknown } | { value: unknown }): string {
  if ('value' in outcome) {
    const content = outcome.value as Content;
    expect(content, 'the operation was not refused').toMatchObject({ type: 'error', code: 403 });
    const text = (content as { text?: unknown }).text;
    expect(typeof text === 'string' && text.length > 0, 'a refusal says why').toBe(true);
    return text as string;
  }
  const error = outcome.error as Error;
  expect(error, String(error)).toBeInstanceOf(PermissionError);
  expect((error as PermissionError).code).toBe('permission_denied');
  expect(error.message.length).toBeGreaterThan(0);
  return error.message;
}

export async function settle(promise: Promise<unknown>): Promise<{ error: unknown } | { value: unknown }> {
  return promise.then((value) => ({ value }), (error: unknown) => ({ error }));
}

/** One refused case: the token lacking a grant is refused, reveals nothing and changes nothing. */
export async function checkRefused(server: RunningRoomServer, room: string, row: MatrixRow, api: ApiScope): Promise<void> {
  await row.prepare?.();
  const client = await joinWith(server, room, 'refused', api);
  try {
    const before = await row.state(client);
    const message = expectPermissionRefusal(await settle(row.attempt(client)));
    for (const secret of row.hidden ?? []) expect(message).not.toContain(secret);
    expect(await row.state(client)).toEqual(before);
  } finally {
    client.dispose();
  }
}

/** The granted case of a row. */
export async function checkGranted(server: RunningRoomServer, room: string, row: MatrixRow): Promise<void> {
  await row.prepare?.();
  const client = await joinWith(server, room, 'granted', row.granted);
  try {
    const before = await row.state(client);
    const result = await row.attempt(client);
    // Wire-level attempts answer a Content: an error one here means the grant did not suffice.
    expect((result as { type?: unknown } | undefined)?.type).not.toBe('error');
    row.succeeded(result, before, await row.state(client));
  } finally {
    client.dispose();
  }
}

/** The built-in tools of one toolkit as the running server lists them (`storage.list`, …). */
export function catalogTools(server: RunningRoomServer, toolkit: string): string[] {
  const entry = server.core.toolCatalog().find((candidate) => candidate.toolkit === toolkit);
  return (entry?.tools ?? []).map((tool) => `${toolkit}.${tool.name}`).sort();
}

/** The tools a matrix covers, for comparing with {@link catalogTools}. */
export function coveredTools(rows: readonly MatrixRow[]): string[] {
  return [...new Set(rows.map((row) => row.tool))].sort();
}

/** `api` without one key: the token that lacks exactly that API. */
export function without(api: ApiScope, key: string): ApiScope {
  const { [key]: _dropped, ...rest } = api;
  return rest;
}

/**
 * Declares the tests of every row: each refused token (`unchanged` says what must stay as it was,
 * for the test names) and the granted one. `server` is read when the tests run.
 */
export function describeRows(rows: readonly MatrixRow[], server: () => RunningRoomServer, room: string, unchanged = 'revealing and changing nothing'): void {
  for (const row of rows) {
    describe(rowName(row), () => {
      it.each(Object.entries(row.refused))(`refuses a token with %s, ${unchanged}`, async (_why, api) => {
        await checkRefused(server(), room, row, api);
      });
      it('allows the granted token', async () => {
        await checkGranted(server(), room, row);
      });
    });
  }
}
