import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import { EditorView } from '@codemirror/view';
import { JsonEditor } from './JsonEditor';

function viewOf(el: HTMLElement): EditorView {
  const v = EditorView.findFromDOM(el.closest('.cm-editor') as HTMLElement);
  if (!v) throw new Error('no editor');
  return v;
}

describe('JsonEditor', { timeout: 20_000 }, () => {
  it('is a textbox named by its label, described by its error, and reports edits', () => {
    const onChange = vi.fn();
    render(<JsonEditor label="Document data" value={'{"a": 1}'} onChange={onChange} error="Not valid JSON" />);
    const box = screen.getByRole('textbox', { name: 'Document data' });
    expect(box).toHaveAttribute('aria-invalid', 'true');
    expect(box).toHaveAccessibleDescription('Not valid JSON');
    expect(box.textContent).toContain('"a": 1');
    const v = viewOf(box);
    v.dispatch({ changes: { from: v.state.doc.length, insert: ' ' } });
    expect(onChange).toHaveBeenLastCalledWith('{"a": 1} ');
  });

  it('follows a new value from the parent', () => {
    const { rerender } = render(<JsonEditor label="Doc" value="{}" />);
    rerender(<JsonEditor label="Doc" value={'{"b": 2}'} />);
    expect(screen.getByRole('textbox', { name: 'Doc' }).textContent).toContain('"b": 2');
  });

  it('read-only: not editable, still focusable, says so', () => {
    render(<JsonEditor label="Document" value="{}" readOnly />);
    const box = screen.getByRole('textbox', { name: /Document/ });
    expect(box).toHaveAttribute('contenteditable', 'false');
    expect(box).toHaveAttribute('tabindex', '0');
    expect(box).toHaveAttribute('aria-readonly', 'true');
    expect(viewOf(box).state.readOnly).toBe(true);
  });
});
