import { useMemo } from 'react';
import type { ParticipantView } from '../types.js';
import { shallowEqual, useRoomSelector } from './use-room-selector.js';

export interface TypingResult {
  /** Remote participants typing right now (expired notifications are gone). */
  typing: readonly ParticipantView[];
  /** Their names, ready for a TypingIndicator. */
  names: readonly string[];
  /** Names of participants (agents) whose `thinking` attribute is true: working on a reply. */
  thinkingNames: readonly string[];
  /** Call as the user types: throttled `typing` broadcasts; `false` says we stopped. */
  notifyTyping(typing?: boolean): void;
}

/**
 * Who is typing (and which agents are thinking), and the function that tells the others we are.
 *
 * @example
 * const { names, notifyTyping } = useTyping();
 * <TypingIndicator names={names} /> <Composer onTyping={notifyTyping} … />
 */
export function useTyping(): TypingResult {
  const typing = useRoomSelector(
    (state) => Object.keys(state.typing).map((id) => state.participantsById[id]).filter((p): p is ParticipantView => p !== undefined),
    shallowEqual,
    'useTyping',
  );
  const thinkingNames = useRoomSelector(
    (state) => state.participants.filter((p) => p.attributes['thinking'] === true).map((p) => p.name ?? 'Someone'),
    shallowEqual,
    'useTyping',
  );
  const notifyTyping = useRoomSelector((state) => state.actions.notifyTyping, Object.is, 'useTyping');
  return useMemo(
    () => ({ typing, names: typing.map((p) => p.name ?? 'Someone'), thinkingNames, notifyTyping }),
    [typing, thinkingNames, notifyTyping],
  );
}
