import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { DownloadTokens } from '../storage/download-token.js';

const SECRET = 'download-token-secret';

describe('DownloadTokens', () => {
  it('round-trips room and path', async () => {
    const tokens = new DownloadTokens(SECRET);
    const token = await tokens.sign({ room: 'demo', path: 'docs/a b.pdf' });
    expect(await tokens.verify(token)).toEqual({ room: 'demo', path: 'docs/a b.pdf' });
  });

  it('refuses expired, foreign and tampered tokens with typed errors', async () => {
    const tokens = new DownloadTokens(SECRET);
    const expired = await new DownloadTokens(SECRET, -10).sign({ room: 'demo', path: 'a' });
    await expect(tokens.verify(expired)).rejects.toMatchObject({ code: 'token_expired' });
    const otherServer = await new DownloadTokens('another-secret').sign({ room: 'demo', path: 'a' });
    await expect(tokens.verify(otherServer)).rejects.toMatchObject({ code: 'unauthorized' });
    const good = await tokens.sign({ room: 'demo', path: 'a' });
    const [header, , signature] = good.split('.');
    const forged = Buffer.from(JSON.stringify({ room: 'demo', path: 'secret', aud: 'convene:storage-download', exp: 9e9 })).toString('base64url');
    await expect(tokens.verify(`${header}.${forged}.${signature}`)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(tokens.verify('garbage')).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('never accepts a token signed with the raw server secret (participant tokens)', async () => {
    const tokens = new DownloadTokens(SECRET);
    const participantLike = await new SignJWT({ room: 'demo', path: 'a', aud: 'convene:storage-download' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    await expect(tokens.verify(participantLike)).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
