import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '@convene/server';
import type { Toolkit } from '@convene/server';
import { DownloadTokens } from '../../packages/server/src/storage/download-token.js';
import { createDatabaseToolkit } from '../../packages/server/src/toolkits/database/database-toolkit.js';
import { messagingToolkit } from '../../packages/server/src/toolkits/messaging/messaging-toolkit.js';
import { createQueuesToolkit } from '../../packages/server/src/toolkits/queues/queues-toolkit.js';
import { createStorageToolkit } from '../../packages/server/src/toolkits/storage/storage-toolkit.js';
import { createSyncToolkit } from '../../packages/server/src/toolkits/sync/sync-toolkit.js';

export interface Operation {
  toolkit: string;
  tool: string;
  /** Called with `control open` and then fed request chunks. */
  streaming: boolean;
}

/** Server toolkit folders that are not `room.invoke_tool` toolkits (agents speak their own message types). */
export const MESSAGE_TYPE_FOLDERS = ['agents'];

/**
 * The folders under packages/server/src/toolkits. The fuzz test compares them with the toolkits
 * below, so a new toolkit folder fails the test until it is fuzzed too.
 */
export function toolkitFolders(): string[] {
  const root = join(dirname(fileURLToPath(import.meta.url)), '../../packages/server/src/toolkits');
  return readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/**
 * Every built-in operation, read from the same factories RoomServer registers (their tool tables,
 * so a new tool in a toolkit is fuzzed without touching the tests). The factories only keep the
 * database; nothing is queried while listing.
 */
export function builtInOperations(): Operation[] {
  const unused = {} as Database;
  const toolkits: Toolkit[] = [
    messagingToolkit,
    createStorageToolkit({ tokens: new DownloadTokens('listing only'), maxMessageBytes: 1 << 20 }),
    createSyncToolkit({}),
    createDatabaseToolkit(unused),
    createQueuesToolkit(unused, { maxMessageBytes: 1 << 20 }),
  ];
  return toolkits.flatMap((toolkit) =>
    Object.entries(toolkit.tools).map(([tool, definition]) => ({ toolkit: toolkit.name, tool, streaming: 'stream' in definition })),
  );
}
