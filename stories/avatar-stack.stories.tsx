import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { AvatarStack } from '../packages/react/src/components/avatar-stack.js';
import { makeParticipants, participant } from './fixtures.js';

const meta = {
  title: 'Presence/AvatarStack',
  component: AvatarStack,
  args: { participants: makeParticipants(3), max: 5 },
} satisfies Meta<typeof AvatarStack>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Empty: Story = { args: { participants: [] } };

export const Few: Story = {};

export const Overflow: Story = {
  args: { participants: makeParticipants(12), max: 4 },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getByText('+8')).toBeVisible();
    await expect(canvas.getAllByRole('img')).toHaveLength(5);
  },
};

export const ManyParticipants: Story = { args: { participants: makeParticipants(200, 3), max: 6 } };

/** No `name` attribute: "Anonymous", still a distinct colour from the id. */
export const WithoutNames: Story = {
  args: { participants: [participant(40, { name: null }), participant(41, { name: null }), participant(42)] },
};

export const Small: Story = { args: { participants: makeParticipants(8), max: 5, size: 'sm' } };

export const RightToLeft: Story = { parameters: { dir: 'rtl' }, args: { participants: makeParticipants(9), max: 5 } };

export const DarkTheme: Story = { parameters: { theme: 'dark' }, args: { participants: makeParticipants(9), max: 5 } };
