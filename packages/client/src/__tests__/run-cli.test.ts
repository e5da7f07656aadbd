import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

async function run(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { env, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('convene CLI', () => {
  it('prints a verifiable token for `convene token`', async () => {
    const { code, stdout, stderr } = await run(['token', '--room', 'demo', '--name', 'alice', '--role', 'agent', '--secret', 's3cret']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const { payload } = await jwtVerify(stdout.trim(), new TextEncoder().encode('s3cret'));
    expect(payload['name']).toBe('alice');
    expect(payload['grants']).toContainEqual({ name: 'role', scope: 'agent' });
    expect(payload.exp! - Math.floor(Date.now() / 1000)).toBeGreaterThan(3500);
  });

  it('reads the secret from CONVENE_SECRET', async () => {
    const { code, stdout } = await run(['token', '--room', 'r', '--name', 'n', '--expires', '60'], { CONVENE_SECRET: 'env-secret' });
    expect(code).toBe(0);
    await expect(jwtVerify(stdout.trim(), new TextEncoder().encode('env-secret'))).resolves.toBeTruthy();
  });

  it.each([
    [['token', '--name', 'n', '--secret', 's'], /--room is required/],
    [['token', '--room', 'r', '--secret', 's'], /--name is required/],
    [['token', '--room', 'r', '--name', 'n'], /CONVENE_SECRET/],
    [['token', '--room', 'r', '--name', 'n', '--secret', 's', '--expires', 'soon'], /--expires/],
    [['token', '--room', 'r', '--name', 'n', '--secret', 's', '--bogus'], /bogus/],
    [['token', '--room'], /--room/],
    [['mint'], /unknown command "mint"/],
  ])('exits 2 with a usage message for %j', async (argv, message) => {
    const { code, stdout, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).toContain('Usage: convene token');
  });

  it('prints usage for --help', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: convene token');
  });
});
