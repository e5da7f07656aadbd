import { createHmac, randomBytes } from 'node:crypto';

const RESUME_KEY = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * A participant id. With a resume key (WIRE-EXTENSIONS.md) the id is an HMAC of room, name and
 * key under the server secret: stable across reconnects and restarts, unforgeable without the key.
 * Without one, a fresh random id.
 */
export function participantId(secret: Uint8Array, room: string, name: string, resumeKey: string | null): string {
  if (resumeKey === null || !RESUME_KEY.test(resumeKey)) return `p-${randomBytes(9).toString('base64url')}`;
  const digest = createHmac('sha256', secret).update(`${room}\0${name}\0${resumeKey}`).digest('base64url');
  return `p-${digest.slice(0, 12)}`;
}
