import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { TypingIndicator } from '../packages/react/src/components/typing-indicator.js';
import { personName } from './fixtures.js';

const meta = {
  title: 'Chat/TypingIndicator',
  component: TypingIndicator,
  args: { names: [] },
} satisfies Meta<typeof TypingIndicator>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Nobody types: nothing shows, but the live region is there for the next announcement. */
export const Nobody: Story = {
  play: async ({ canvasElement }) => {
    const status = within(canvasElement).getByRole('status');
    await expect(status).toHaveTextContent('');
  },
};

export const OnePerson: Story = { args: { names: [personName(0)] } };

/** An agent working on a reply (its `thinking` attribute is true), next to a person typing. */
export const AgentThinking: Story = { args: { names: [personName(0)], thinkingNames: ['Helper'] } };

export const TwoPeople: Story = { args: { names: [personName(0), personName(1)] } };

export const ThreePeople: Story = { args: { names: [personName(0), personName(1), personName(2)] } };

export const ManyPeople: Story = {
  args: { names: Array.from({ length: 5 }, (_, i) => personName(i)) },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('status')).toHaveTextContent(/and 3 others are typing…/);
  },
};

export const RightToLeft: Story = { parameters: { dir: 'rtl' }, args: { names: ['نور', 'ليلى'] } };

export const DarkTheme: Story = { parameters: { theme: 'dark' }, args: { names: [personName(0), personName(1)] } };
