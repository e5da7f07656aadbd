import { useMemo } from 'react';
import type { LocalParticipantView } from '../types.js';
import { useRoomSelector } from './use-room-selector.js';

export interface LocalParticipantResult extends LocalParticipantView {
  /** Sets one of our attributes; the others see it as `participant.attributes`. */
  setAttribute(name: string, value: unknown): void;
}

/**
 * This client's participant (id and name are null before the first connection).
 *
 * @example
 * const me = useLocalParticipant();
 * <button onClick={() => me.setAttribute('status', 'away')}>{me.name}</button>
 */
export function useLocalParticipant(): LocalParticipantResult {
  const local = useRoomSelector((state) => state.localParticipant, Object.is, 'useLocalParticipant');
  const setAttribute = useRoomSelector((state) => state.actions.setAttribute, Object.is, 'useLocalParticipant');
  return useMemo(() => ({ ...local, setAttribute }), [local, setAttribute]);
}
