import { forwardRef, type HTMLAttributes } from 'react';
import { avatarColor } from './avatar-color.js';
import { initials } from './initials.js';

export interface AvatarProps extends Omit<HTMLAttributes<HTMLSpanElement>, 'children'> {
  /** Stable id: picks the colour, so the same person has the same colour everywhere. */
  id: string;
  /** Shown as initials and read out as the avatar's name. */
  name: string;
  /** `sm` (list rows) or `md` (stacks); the sizes themselves are CSS variables. */
  size?: 'sm' | 'md';
}

/**
 * A round badge with a participant's initials, in a colour derived from their id.
 * It is an image to assistive technology, named after the participant.
 *
 * @example
 * <Avatar id={participant.id} name={participant.name ?? 'Anonymous'} />
 */
export const Avatar = forwardRef<HTMLSpanElement, AvatarProps>(function Avatar(
  { id, name, size = 'md', className, ...rest },
  ref,
) {
  return (
    <span
      ref={ref}
      role="img"
      aria-label={name}
      title={name}
      data-color={avatarColor(id)}
      data-size={size}
      className={className ? `cv-avatar ${className}` : 'cv-avatar'}
      {...rest}
    >
      {/* The letters are decoration; the accessible name is the full name above. */}
      <span aria-hidden="true">{initials(name)}</span>
    </span>
  );
});
