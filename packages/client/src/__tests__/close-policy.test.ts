import { encodeCloseReason } from '@convene/protocol';
import { describe, expect, it } from 'vitest';
import { classifyClose } from '../close-policy.js';

const fresh = { reconnecting: false, expiredRetryUsed: false, opened: true };
const again = { reconnecting: true, expiredRetryUsed: false, opened: true };

describe('classifyClose', () => {
  it.each([
    [1001, encodeCloseReason('server_shutdown', 'bye'), 'server_shutdown'],
    [1009, encodeCloseReason('payload_too_large', 'too big'), 'payload_too_large'],
    [1011, '', 'disconnected'],
    [1013, encodeCloseReason('room_full', 'full'), 'room_full'],
    [4001, 'something else', 'disconnected'],
  ])('retries close %i with code %s', (code, reason, errorCode) => {
    const decision = classifyClose({ code, reason }, fresh);
    expect(decision).toMatchObject({ kind: 'retry', immediate: false, error: { code: errorCode, terminal: false } });
  });

  it('calls a failure to open connection_failed', () => {
    expect(classifyClose({ code: 1006, reason: '' }, { ...fresh, opened: false }).error.code).toBe('connection_failed');
  });

  it('stops on 1000 and on 4000', () => {
    expect(classifyClose({ code: 1000, reason: encodeCloseReason('bad_request', 'bad room') }, again)).toMatchObject({
      kind: 'terminal',
      error: { code: 'bad_request', message: 'bad room', terminal: true },
    });
    expect(classifyClose({ code: 4000, reason: 'replaced' }, again).kind).toBe('terminal');
  });

  it('retries an expired token at once only on a reconnect, and only once', () => {
    const reason = encodeCloseReason('token_expired', 'expired');
    expect(classifyClose({ code: 1000, reason }, again)).toMatchObject({ kind: 'retry', immediate: true });
    expect(classifyClose({ code: 1000, reason }, { ...again, expiredRetryUsed: true }).kind).toBe('terminal');
    expect(classifyClose({ code: 1000, reason }, fresh).kind).toBe('terminal');
  });
});
