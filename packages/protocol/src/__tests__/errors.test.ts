import { describe, expect, it } from 'vitest';
import {
  ConnectionError,
  ConveneError,
  ERROR_STATUS,
  errorCodeFromStatus,
  PARTICIPANT_NOT_FOUND_TEXT,
  PermissionError,
  ProtocolError,
  RoomError,
  TimeoutError,
  type ErrorCode,
} from '@convene/protocol';

const CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

describe('ERROR_STATUS', () => {
  it('has a unique wire status per code', () => {
    const statuses = Object.values(ERROR_STATUS);
    expect(new Set(statuses).size).toBe(statuses.length);
    expect(CODES).toHaveLength(18);
  });

  it('uses HTTP-like statuses for the codes MeshAgent clients show', () => {
    expect(ERROR_STATUS).toMatchObject({ bad_request: 400, unauthorized: 401, permission_denied: 403, not_found: 404, internal: 500 });
    for (const status of Object.values(ERROR_STATUS)) expect(Number.isInteger(status) && status >= 400 && status < 600).toBe(true);
  });

  it('errorCodeFromStatus round-trips every code', () => {
    for (const code of CODES) expect(errorCodeFromStatus(ERROR_STATUS[code])).toBe(code);
  });

  it('maps a missing or unknown status to internal', () => {
    for (const status of [undefined, 0, 200, 418, 599, -1, 1.5, Number.NaN]) expect(errorCodeFromStatus(status)).toBe('internal');
  });

  it('PARTICIPANT_NOT_FOUND_TEXT is the exact text MeshAgent matches (§5.1)', () => {
    expect(PARTICIPANT_NOT_FOUND_TEXT).toBe('the participant was not found');
  });
});

describe('error classes', () => {
  it('ProtocolError: name, code, message, cause, and class chain', () => {
    const cause = new Error('inner');
    const error = new ProtocolError('bad frame', { cause });
    expect(error.name).toBe('ProtocolError');
    expect(error.code).toBe('protocol_error');
    expect(error.message).toBe('bad frame');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(ConveneError);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toBe('ProtocolError: bad frame');
  });

  it('PermissionError has code permission_denied', () => {
    const error = new PermissionError('no messaging grant');
    expect(error.code).toBe('permission_denied');
    expect(error.name).toBe('PermissionError');
    expect(error).toBeInstanceOf(ConveneError);
    expect(ERROR_STATUS[error.code]).toBe(403);
  });

  it('TimeoutError has code timeout', () => {
    const error = new TimeoutError('request 3 timed out');
    expect(error.code).toBe('timeout');
    expect(error.name).toBe('TimeoutError');
  });

  it('RoomError and ConveneError carry the code they are given', () => {
    const room = new RoomError('not_found', 'no such file');
    expect(room.code).toBe('not_found');
    expect(room.name).toBe('RoomError');
    expect(room).toBeInstanceOf(ConveneError);
    const base = new ConveneError('rate_limited', 'slow down');
    expect(base.name).toBe('ConveneError');
    expect(base.code).toBe('rate_limited');
  });

  it('ConnectionError says whether retrying can help', () => {
    const terminal = new ConnectionError('unauthorized', 'token refused', { terminal: true });
    const retry = new ConnectionError('connection_failed', 'reset', { terminal: false, cause: 'econnreset' });
    expect(terminal.terminal).toBe(true);
    expect(terminal.name).toBe('ConnectionError');
    expect(retry.terminal).toBe(false);
    expect(retry.cause).toBe('econnreset');
    expect(retry.code).toBe('connection_failed');
  });

  it('classes are distinguishable with instanceof', () => {
    expect(new PermissionError('x')).not.toBeInstanceOf(ProtocolError);
    expect(new ProtocolError('x')).not.toBeInstanceOf(RoomError);
  });
});
