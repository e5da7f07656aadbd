import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { ParticipantList } from '../packages/react/src/components/participant-list.js';
import { agent, localParticipant, makeParticipants, participant } from './fixtures.js';

const meta = {
  title: 'Presence/ParticipantList',
  component: ParticipantList,
  args: { participants: makeParticipants(4, 1), local: localParticipant },
} satisfies Meta<typeof ParticipantList>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Empty: Story = { args: { participants: [], local: null } };

/** Only us so far: we are listed, marked "(you)". */
export const OnlyYou: Story = { args: { participants: [] } };

/** Before the first connection the local participant has no id yet and is left out. */
export const Connecting: Story = {
  args: { participants: [], local: { id: null, name: null, attributes: {} } },
};

export const WithAgents: Story = {
  args: {
    participants: [participant(0, { status: 'Reviewing the spec' }), participant(1), agent(0, 'Listening'), agent(1, 'Summarizing the thread')],
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getAllByText('agent')).toHaveLength(2);
    await expect(canvas.getByText('(you)', { exact: false })).toBeVisible();
  },
};

export const ManyParticipants: Story = {
  args: { participants: makeParticipants(200, 4) },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getAllByRole('listitem')).toHaveLength(205);
  },
};

export const LongNames: Story = {
  args: {
    participants: [
      participant(0, { name: 'Maximilian Alexander von Habsburg-Lothringen-Sachsen-Coburg', status: 'A status that is long enough to wrap onto another line in a narrow sidebar' }),
      participant(1),
    ],
  },
};

export const RightToLeft: Story = {
  parameters: { dir: 'rtl' },
  args: { participants: [participant(0, { name: 'نور خان', status: 'في اجتماع' }), agent(2)] },
};

export const DarkTheme: Story = { parameters: { theme: 'dark' } };
