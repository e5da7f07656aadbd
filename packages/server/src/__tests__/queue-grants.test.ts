import { describe, expect, it } from 'vitest';
import { queueAllowed, queueListAllowed, type ApiScope } from '@convene/protocol';
import { queueName, receiveRequest, sendRequest } from '../toolkits/queues/queue-arguments.js';

describe('queue grants (MeshAgent QueuesGrant)', () => {
  it('allows every name without send/receive lists, and only the listed names with them', () => {
    expect(queueAllowed({ queues: {} }, 'send', 'any')).toBe(true);
    expect(queueAllowed({ queues: true } as ApiScope, 'receive', 'any')).toBe(true);
    const api: ApiScope = { queues: { send: ['jobs'], receive: ['results'] } };
    expect(queueAllowed(api, 'send', 'jobs')).toBe(true);
    expect(queueAllowed(api, 'send', 'results')).toBe(false);
    expect(queueAllowed(api, 'receive', 'results')).toBe(true);
    expect(queueAllowed(api, 'receive', 'jobs')).toBe(false);
    expect(queueAllowed({ queues: { send: [] } }, 'send', 'jobs')).toBe(false);
    expect(queueAllowed({ queues: { send: null } } as unknown as ApiScope, 'send', 'jobs')).toBe(true);
  });

  it('fails closed on malformed grants and without the API', () => {
    expect(queueAllowed({ queues: { send: 'jobs' } } as unknown as ApiScope, 'send', 'jobs')).toBe(false);
    expect(queueAllowed({ messaging: {} }, 'send', 'jobs')).toBe(false);
    expect(queueAllowed(null, 'receive', 'jobs')).toBe(false);
    expect(queueAllowed({ queues: false } as ApiScope, 'receive', 'jobs')).toBe(false);
  });

  it('list defaults to allowed; anything but true/absent denies', () => {
    expect(queueListAllowed({ queues: {} })).toBe(true);
    expect(queueListAllowed({ queues: { list: true } })).toBe(true);
    expect(queueListAllowed({ queues: { list: false } })).toBe(false);
    expect(queueListAllowed({ queues: { list: 'yes' } } as unknown as ApiScope)).toBe(false);
    expect(queueListAllowed({ storage: {} })).toBe(false);
  });
});

describe('queue arguments', () => {
  it('accepts safe names and refuses the rest', () => {
    for (const name of ['jobs', 'a', 'team.jobs:high', 'user@example/inbox-1', 'x'.repeat(128)]) expect(queueName({ name })).toBe(name);
    for (const name of ['', 'x'.repeat(129), 'a b', 'a\u0000', 'ü', '../x\\', 7, null, undefined, ['jobs']]) {
      expect(() => queueName({ name }), String(name)).toThrow(expect.objectContaining({ code: 'bad_request' }));
    }
  });

  it('parses send and receive with MeshAgent defaults and the Convene extensions', () => {
    expect(sendRequest({ name: 'q', message: { a: 1 } }, 1000)).toEqual({ name: 'q', create: true, messageJson: '{"a":1}', front: false, receiveId: undefined });
    expect(sendRequest({ name: 'q', create: false, message: 0, front: true, receive_id: 'abc_1' }, 1000)).toMatchObject({ create: false, front: true, receiveId: 'abc_1' });
    expect(receiveRequest({ name: 'q', create: null, wait: true })).toEqual({ name: 'q', create: true, wait: true, receiveId: undefined });
    expect(receiveRequest({ name: 'q' }).wait).toBe(false);
  });

  it('bounds messages by size and nesting, and refuses null', () => {
    expect(() => sendRequest({ name: 'q', message: 'x'.repeat(100) }, 50)).toThrow(expect.objectContaining({ code: 'payload_too_large' }));
    expect(() => sendRequest({ name: 'q', message: null }, 50)).toThrow(expect.objectContaining({ code: 'bad_request' }));
    expect(() => sendRequest({ name: 'q' }, 50)).toThrow(expect.objectContaining({ code: 'bad_request' }));
    let deep: unknown = 1;
    for (let i = 0; i < 300; i++) deep = { d: deep };
    expect(() => sendRequest({ name: 'q', message: deep }, 1e6)).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });
});
