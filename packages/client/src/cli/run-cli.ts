import { parseArgs } from 'node:util';
import { participantToken } from '../tokens.js';

export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout(text: string): void;
  stderr(text: string): void;
}

export const USAGE = `Usage: convene token --room ROOM --name NAME [--role user] [--secret SECRET] [--expires SECONDS]

Prints a participant JWT (HS256) on stdout.
  --room      room name (required)
  --name      participant name (required)
  --role      user (default), agent, tool…
  --secret    signing secret; defaults to $CONVENE_SECRET
  --expires   lifetime in seconds (default 3600)
`;

class UsageError extends Error {}

/** Runs the `convene` CLI; returns the exit code (0 ok, 1 failure, 2 usage error). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command !== 'token') throw new UsageError(`unknown command "${command}"`);
    return await tokenCommand(rest, io);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr(`convene: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr(`convene: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

async function tokenCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      room: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      secret: { type: 'string' },
      expires: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (!values.room) throw new UsageError('--room is required');
  if (!values.name) throw new UsageError('--name is required');
  const secret = values.secret ?? io.env['CONVENE_SECRET'];
  if (!secret) throw new UsageError('--secret is required (or set CONVENE_SECRET)');
  const expires = values.expires ?? '3600';
  if (!/^[1-9]\d*$/.test(expires)) throw new UsageError(`--expires must be a positive number of seconds, got "${expires}"`);
  const jwt = await participantToken({
    name: values.name,
    room: values.room,
    secret,
    expiresIn: Number(expires),
    ...(values.role !== undefined && { role: values.role }),
  });
  io.stdout(`${jwt}\n`);
  return 0;
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
