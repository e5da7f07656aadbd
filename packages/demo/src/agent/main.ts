#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { DemoAgent } from './demo-agent.js';

const USAGE = `usage: node packages/demo/dist/agent/main.js --room <room> [--name Helper] [--url ws://127.0.0.1:8787]
env: CONVENE_URL (room server, default ws://127.0.0.1:8787), CONVENE_SECRET (default dev-secret)`;

/** Runs the Helper agent alone in one room, against any Convene room server. */
function main(): void {
  const { values } = parseArgs({
    options: { room: { type: 'string' }, name: { type: 'string' }, url: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || !values.room) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 2);
  }
  const url = (values.url ?? process.env['CONVENE_URL'] ?? 'ws://127.0.0.1:8787').replace(/\/+$/, '');
  const secret = process.env['CONVENE_SECRET'] || 'dev-secret';
  const agent = new DemoAgent({
    url,
    room: values.room,
    secret,
    ...(values.name ? { name: values.name } : {}),
    onError: (error) => process.stderr.write(`demo-agent: ${error instanceof Error ? error.message : String(error)}\n`),
  });
  agent.client.on('status', (status) => process.stderr.write(`demo-agent: ${status}\n`));
  agent.start().then(
    () => process.stdout.write(`${agent.name} is in room "${agent.room}" at ${url}; mention @${agent.name.toLowerCase()} in the chat\n`),
    (error: unknown) => {
      process.stderr.write(`demo-agent: could not join: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
  const stop = () => {
    agent.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main();
