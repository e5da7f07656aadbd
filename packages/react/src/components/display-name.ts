/**
 * The name a participant is shown by; a participant without a `name` attribute is "Anonymous".
 *
 * @example
 * displayName(participant); // "Alice"
 */
export function displayName(participant: { readonly name: string | null }): string {
  const name = participant.name?.trim();
  return name ? name : 'Anonymous';
}
