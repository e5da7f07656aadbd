import type { ParticipantView } from '../types.js';
import { useRoomSelector } from './use-room-selector.js';

/**
 * One remote participant by id. Re-renders only when that participant joins, leaves or changes
 * its attributes — not when anyone else does.
 *
 * @example
 * const bob = useParticipant(id);
 * return <span>{bob?.attributes.status as string}</span>;
 */
export function useParticipant(id: string): ParticipantView | undefined {
  return useRoomSelector((state) => state.participantsById[id], Object.is, 'useParticipant');
}
