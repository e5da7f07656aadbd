import { forwardRef, type HTMLAttributes, type ReactNode } from 'react';
import type { LocalParticipantView, ParticipantView } from '../types.js';
import { Avatar } from './avatar.js';
import { displayName } from './display-name.js';

export interface ParticipantListProps extends Omit<HTMLAttributes<HTMLElement>, 'children'> {
  /** The others in the room, in the order to show them. */
  participants: readonly ParticipantView[];
  /** Ourselves, listed first and marked "(you)". Left out while we have no id yet. */
  local?: LocalParticipantView | null;
  /** The list's accessible name; the count is appended. */
  label?: string;
  emptyText?: ReactNode;
  /** Attribute keys shown under a name when they hold a string or number (default `['status']`). */
  attributeKeys?: readonly string[];
}

/**
 * Who is in the room: avatar, name, "(you)" for ourselves, the role for anyone who is not a plain
 * `user` (an agent, a service…), and attributes such as `status`.
 *
 * State for styling on each row: `data-role`, `data-local`.
 *
 * @example
 * <ParticipantList participants={participants} local={me} />
 */
export const ParticipantList = forwardRef<HTMLElement, ParticipantListProps>(function ParticipantList(
  { participants, local, label = 'Participants', emptyText = 'Nobody else is here yet', attributeKeys = ['status'], className, ...rest },
  ref,
) {
  const rows = local?.id ? [{ ...local, id: local.id, role: 'user', isLocal: true }, ...participants] : participants;
  const total = rows.length;
  return (
    <section
      ref={ref}
      aria-label={`${label} (${total})`}
      data-empty={total === 0 ? '' : undefined}
      className={className ? `cv-participant-list ${className}` : 'cv-participant-list'}
      {...rest}
    >
      {total === 0 ? (
        <p className="cv-participant-list-empty">{emptyText}</p>
      ) : (
        // role="list" because Safari drops list semantics from a ul styled with list-style: none.
        <ul role="list" className="cv-participant-list-items">
          {rows.map((participant) => {
            const isLocal = 'isLocal' in participant;
            const name = displayName(participant);
            const details = attributeKeys
              .map((key) => participant.attributes[key])
              .filter((value): value is string | number => typeof value === 'string' || typeof value === 'number')
              .map(String)
              .filter((value) => value !== '');
            const role = participant.role;
            return (
              <li
                key={participant.id}
                className="cv-participant"
                data-role={role}
                data-local={isLocal ? '' : undefined}
              >
                <Avatar id={participant.id} name={name} size="sm" />
                <span className="cv-participant-main">
                  <span className="cv-participant-name">
                    {name}
                    {isLocal ? <span className="cv-participant-you"> (you)</span> : null}
                  </span>
                  {details.length > 0 ? <span className="cv-participant-status">{details.join(' · ')}</span> : null}
                </span>
                {role !== 'user' ? <span className="cv-participant-role">{role}</span> : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
});
