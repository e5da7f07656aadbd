import { parseParticipantClaims } from '@convene/protocol';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { participantToken } from '../tokens.js';

const key = new TextEncoder().encode('dev-secret');

describe('participantToken', () => {
  it('signs an HS256 JWT that verifies with the secret and carries the participant claims', async () => {
    const jwt = await participantToken({ name: 'alice', room: 'demo', secret: 'dev-secret' });
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const { payload } = await jwtVerify(jwt, key);
    expect(Object.keys(payload)).toEqual(['name', 'grants', 'version']);
    expect(parseParticipantClaims(payload)).toMatchObject({ name: 'alice', room: 'demo', role: 'user' });
    expect(payload['grants']).toContainEqual({ name: 'room', scope: 'demo' });
  });

  it('sets role, api and an expiry in seconds or as a duration', async () => {
    const before = Math.floor(Date.now() / 1000);
    const jwt = await participantToken({ name: 'bot', room: 'demo', role: 'agent', secret: 'dev-secret', api: { messaging: {} }, expiresIn: 60 });
    const { payload } = await jwtVerify(jwt, key);
    expect(parseParticipantClaims(payload)).toMatchObject({ role: 'agent', api: { messaging: {} } });
    expect(payload.exp! - before).toBeGreaterThanOrEqual(60);
    expect(payload.exp! - before).toBeLessThanOrEqual(61);
    const hours = await jwtVerify(await participantToken({ name: 'a', room: 'r', secret: 'dev-secret', expiresIn: '2h' }), key);
    expect(hours.payload.exp! - before).toBeGreaterThanOrEqual(7200);
  });

  it('does not verify with another secret', async () => {
    const jwt = await participantToken({ name: 'alice', room: 'demo', secret: 'dev-secret' });
    await expect(jwtVerify(jwt, new TextEncoder().encode('other'))).rejects.toThrow();
  });

  it('refuses missing inputs', async () => {
    await expect(participantToken({ name: '', room: 'demo', secret: 's' })).rejects.toThrow(TypeError);
    await expect(participantToken({ name: 'a', room: 'demo', secret: '' })).rejects.toThrow(/secret/);
    await expect(participantToken({ name: 'a', room: 'demo', secret: 's', expiresIn: -5 })).rejects.toThrow(/expiresIn/);
  });
});
