import { forwardRef, type HTMLAttributes } from 'react';
import { Avatar } from './avatar.js';
import { displayName } from './display-name.js';

export interface AvatarStackProps extends HTMLAttributes<HTMLDivElement> {
  /** Anything with an id and a name; a `ParticipantView` fits. */
  participants: readonly { readonly id: string; readonly name: string | null }[];
  /** Avatars shown before the rest collapse into a "+N" chip. */
  max?: number;
  size?: 'sm' | 'md';
  /** What the group is, for assistive technology; the count is appended. */
  label?: string;
}

/** Names listed in the "+N" chip's tooltip before it says "and N more". */
const TOOLTIP_NAMES = 10;

/**
 * Overlapping avatars for the people in a room: the first `max`, then a "+N" chip for the rest.
 *
 * @example
 * <AvatarStack participants={participants} max={4} />
 */
export const AvatarStack = forwardRef<HTMLDivElement, AvatarStackProps>(function AvatarStack(
  { participants, max = 5, size = 'md', label = 'Participants', className, ...rest },
  ref,
) {
  const limit = Math.max(0, Math.floor(max));
  const visible = participants.slice(0, limit);
  const hidden = participants.slice(limit);
  const hiddenNames = hidden.slice(0, TOOLTIP_NAMES).map(displayName);
  const tooltip =
    hidden.length > TOOLTIP_NAMES
      ? `${hiddenNames.join(', ')} and ${hidden.length - TOOLTIP_NAMES} more`
      : hiddenNames.join(', ');

  return (
    <div
      ref={ref}
      role="group"
      aria-label={`${label} (${participants.length})`}
      data-size={size}
      data-overflow={hidden.length > 0 ? '' : undefined}
      className={className ? `cv-avatar-stack ${className}` : 'cv-avatar-stack'}
      {...rest}
    >
      {visible.map((participant) => (
        <Avatar key={participant.id} id={participant.id} name={displayName(participant)} size={size} />
      ))}
      {hidden.length > 0 ? (
        <span
          role="img"
          aria-label={`${hidden.length} more: ${tooltip}`}
          title={tooltip}
          data-size={size}
          className="cv-avatar cv-avatar-overflow"
        >
          <span aria-hidden="true">+{hidden.length}</span>
        </span>
      ) : null}
    </div>
  );
});
