import { useState } from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ConditionJson } from '../../../api/configuration';
import { ConditionBuilder } from './ConditionBuilder';
import { conditionProblem, describeCondition, fromJson, newLeaf, toJson } from './conditions';
import type { CondNode } from './conditions';

/** The builder with its state; the JSON it yields is rendered for the test to read. */
function Harness({ initial }: { initial: CondNode }) {
  const [node, setNode] = useState(initial);
  return (
    <>
      <ConditionBuilder value={node} onChange={setNode} />
      <pre data-testid="json">{JSON.stringify(toJson(node))}</pre>
    </>
  );
}

const json = () => JSON.parse(screen.getByTestId('json').textContent ?? 'null') as unknown;
const select = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('ConditionBuilder', () => {
  it('builds a nested condition into the exact JSON the server accepts', async () => {
    const user = userEvent.setup({ delay: null });
    render(<Harness initial={newLeaf()} />);
    await user.type(screen.getByLabelText('Condition 1 column'), 'status');
    expect(json()).toEqual({ changed: 'status' });

    await user.click(screen.getByRole('button', { name: 'Combine with another condition' }));
    select('Condition 1.2 kind', 'eq');
    await user.type(screen.getByLabelText('Condition 1.2 column'), 'status');
    await user.type(screen.getByLabelText('Condition 1.2 value'), 'paid');
    select('Group 1 match', 'or');

    await user.click(screen.getByRole('button', { name: 'Add group to group 1' }));
    await user.type(screen.getByLabelText('Condition 1.3.1 column'), 'ended_at');
    await user.click(screen.getByRole('button', { name: 'Add condition to group 1.3' }));
    select('Condition 1.3.2 kind', 'eq');
    await user.type(screen.getByLabelText('Condition 1.3.2 column'), 'amount');
    select('Condition 1.3.2 value type', 'number');
    await user.type(screen.getByLabelText('Condition 1.3.2 value'), '10');
    await user.click(screen.getByRole('button', { name: 'Add condition to group 1.3' }));
    select('Condition 1.3.3 kind', 'eq');
    await user.type(screen.getByLabelText('Condition 1.3.3 column'), 'deleted');
    select('Condition 1.3.3 value type', 'boolean');
    select('Condition 1.3.3 value', 'false');

    expect(json()).toEqual({
      or: [
        { changed: 'status' },
        { eq: ['$row.status', 'paid'] },
        { and: [{ changed: 'ended_at' }, { eq: ['$row.amount', 10] }, { eq: ['$row.deleted', false] }] },
      ],
    });

    // Removing a condition and a whole group.
    await user.click(screen.getByRole('button', { name: 'Remove condition 1.2' }));
    await user.click(screen.getByRole('button', { name: 'Remove group 1.2' }));
    expect(json()).toEqual({ or: [{ changed: 'status' }] });
  }, 30_000);

  const samples: ConditionJson[] = [
    { changed: 'status' },
    { eq: ['$row.status', 'active'] },
    { or: [{ changed: 'status' }, { changed: 'ended_at' }] },
    {
      and: [
        { eq: ['$row.kind', null] },
        { or: [{ eq: ['$row.n', 1.5] }, { and: [{ eq: ['$row.ok', true] }, { changed: 'x y' }] }] },
      ],
    },
  ];

  it.each(samples.map((s) => [JSON.stringify(s), s]))('round-trips %s through the builder', (_, sample) => {
    const node = fromJson(sample);
    expect(node).not.toBeNull();
    expect(toJson(node!)).toEqual(sample);
    expect(conditionProblem(node!)).toBeNull();
    render(<Harness initial={node!} />);
    expect(json()).toEqual(sample);
  });

  it('shows a parsed condition in its fields', () => {
    render(<Harness initial={fromJson({ or: [{ changed: 'status' }, { eq: ['$row.total', 42] }] })!} />);
    expect(screen.getByLabelText('Group 1 match')).toHaveValue('or');
    expect(screen.getByLabelText('Condition 1.1 column')).toHaveValue('status');
    expect(screen.getByLabelText('Condition 1.2 kind')).toHaveValue('eq');
    expect(screen.getByLabelText('Condition 1.2 value type')).toHaveValue('number');
    expect(screen.getByLabelText('Condition 1.2 value')).toHaveValue(42);
  });

  it('refuses what the builder cannot show, and reports problems before submitting', () => {
    expect(fromJson({ eq: ['$row.tags', ['a']] })).toBeNull();
    expect(fromJson({ changed: 'a', eq: ['$row.a', 1] })).toBeNull();
    expect(fromJson({ and: [] })).toBeNull();
    expect(fromJson({ not: { changed: 'a' } })).toBeNull();
    expect(conditionProblem({ kind: 'and', children: [] })).toMatch(/add at least one condition/);
    expect(conditionProblem({ kind: 'or', children: [{ kind: 'changed', column: '' }] })).toBe('when.or[0]: Enter a column.');
    expect(conditionProblem({ kind: 'eq', column: 'a', type: 'number', text: 'x' })).toMatch(/number/);
    expect(conditionProblem({ kind: 'eq', column: 'a', type: 'string', text: '$row.b' })).toMatch(/reference/);
    expect(describeCondition(fromJson({ or: [{ changed: 's' }, { and: [{ eq: ['$row.a', 'x'] }, { changed: 'b' }] }] })!)).toBe(
      's changed OR (a = "x" AND b changed)',
    );
  });
});
