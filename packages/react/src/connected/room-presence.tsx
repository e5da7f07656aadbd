import { AvatarStack, type AvatarStackProps } from '../components/avatar-stack.js';
import { ParticipantList, type ParticipantListProps } from '../components/participant-list.js';
import { useLocalParticipant } from '../hooks/use-local-participant.js';
import { useParticipants } from '../hooks/use-participants.js';

export type RoomPresenceProps =
  | ({ variant?: 'list' } & Omit<ParticipantListProps, 'participants' | 'local'>)
  | ({ variant: 'avatars' } & Omit<AvatarStackProps, 'participants'>);

/**
 * Who is in the room: a `ParticipantList` (ourselves first) or an `AvatarStack`, bound to
 * useParticipants and useLocalParticipant.
 *
 * @example
 * <RoomPresence />
 * <RoomPresence variant="avatars" max={5} />
 */
export function RoomPresence(props: RoomPresenceProps) {
  const participants = useParticipants();
  const local = useLocalParticipant();
  if (props.variant === 'avatars') {
    const { variant: _variant, ...rest } = props;
    return <AvatarStack {...rest} participants={participants} />;
  }
  const { variant: _variant, ...rest } = props;
  return <ParticipantList {...rest} participants={participants} local={local.id ? local : null} />;
}
