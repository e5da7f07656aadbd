// Registers `room.agents` on the client (the API's code is an opt-in entry point).
import '@convene/client/agents';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { HostedToolkitDefinition, ToolCallContext } from '@convene/client';
import { useRoomStore } from './use-room-store.js';
import { toolkitsQueryKey } from './use-toolkits.js';

export type HostedToolkitStatus = 'starting' | 'hosted' | 'error';

/**
 * Hosts a toolkit from this browser tab for the component's lifetime: registered once connected,
 * registered again after reconnects, unregistered on unmount. Handlers are read from the latest
 * render, so inline definitions are fine; a different `name` hosts a new toolkit. StrictMode's
 * unmount/remount does not register twice.
 *
 * @example
 * useHostedToolkit({ name: 'ui', tools: { highlight: { handler: ({ id }) => highlight(id) } } });
 */
export function useHostedToolkit(definition: HostedToolkitDefinition): { status: HostedToolkitStatus; error: unknown } {
  const { client } = useRoomStore('useHostedToolkit');
  const queryClient = useQueryClient();
  const latest = useRef(definition);
  latest.current = definition;
  const [state, setState] = useState<{ status: HostedToolkitStatus; error: unknown }>({ status: 'starting', error: null });
  const { name } = definition;
  const toolNames = Object.keys(definition.tools).sort().join(',');

  useEffect(() => {
    let live = true;
    let stop: (() => Promise<void>) | null = null;
    // Handlers delegate to the latest definition, so re-renders never re-register.
    const current = (tool: string) => latest.current.tools[tool]!;
    const tools = Object.fromEntries(
      Object.entries(latest.current.tools).map(([tool, spec]) => [
        tool,
        {
          ...spec,
          ...(spec.handler ? { handler: (input: never, context: ToolCallContext) => current(tool).handler!(input, context) } : {}),
          ...(spec.stream ? { stream: (input: never, context: ToolCallContext) => current(tool).stream!(input, context) } : {}),
        },
      ]),
    );
    // Deferred a microtask: StrictMode's immediate unmount cancels this before anything is sent.
    queueMicrotask(() => {
      if (!live) return;
      client.ready
        .then(() => (live ? client.agents.startHostedToolkit({ ...latest.current, tools }) : null))
        .then((hosted) => {
          if (!hosted) return;
          if (!live) return void hosted.stop().catch(() => {});
          const refresh = () => void queryClient.invalidateQueries({ queryKey: toolkitsQueryKey(client.resumeKey) });
          stop = () => hosted.stop().finally(refresh);
          refresh();
          setState({ status: 'hosted', error: null });
        })
        .catch((error: unknown) => live && setState({ status: 'error', error }));
    });
    return () => {
      live = false;
      void stop?.().catch(() => {});
    };
  }, [client, name, toolNames, queryClient]);
  return state;
}
