// A CodeMirror 6 JSON editor: syntax highlighting with colours that keep 4.5:1 contrast in the
// light and the dark theme, line numbers, bracket matching, labelled for screen readers
// (aria-labelledby the visible label), optionally read-only (then still focusable, so keyboard
// users can scroll and select). The text is controlled: `value` in, `onChange` out.
import { useEffect, useId, useRef } from 'react';
import Box from '@mui/material/Box';
import FormHelperText from '@mui/material/FormHelperText';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import { basicSetup } from 'codemirror';
import { json } from '@codemirror/lang-json';
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';

export interface JsonEditorProps {
  /** The visible label, also the editor's accessible name. */
  label: string;
  value: string;
  onChange?: (text: string) => void;
  readOnly?: boolean;
  /** A problem to show under the editor (marks it invalid). */
  error?: string | null;
  helperText?: string;
  minHeight?: number;
  maxHeight?: number;
  /** Forwarded as data-testid on the wrapper. */
  testId?: string;
}

const LIGHT = HighlightStyle.define([
  { tag: tags.propertyName, color: '#0b4f9c' },
  { tag: tags.string, color: '#a31515' },
  { tag: tags.number, color: '#0f6b3f' },
  { tag: [tags.bool, tags.null], color: '#7b1fa2', fontWeight: '600' },
  { tag: tags.invalid, color: '#b00020' },
]);

const DARK = HighlightStyle.define([
  { tag: tags.propertyName, color: '#9cdcfe' },
  { tag: tags.string, color: '#ce9178' },
  { tag: tags.number, color: '#b5cea8' },
  { tag: [tags.bool, tags.null], color: '#d7a6f0', fontWeight: '600' },
  { tag: tags.invalid, color: '#ff8a80' },
]);

function themeFor(mode: 'light' | 'dark', colors: { text: string; muted: string; bg: string; gutter: string; caret: string }) {
  return [
    EditorView.theme(
      {
        '&': { color: colors.text, backgroundColor: colors.bg, fontSize: '13px' },
        '.cm-content': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', caretColor: colors.caret },
        '.cm-gutters': { backgroundColor: colors.gutter, color: colors.muted, borderRight: 'none' },
        '.cm-activeLineGutter': { backgroundColor: 'transparent', color: colors.text },
        '.cm-activeLine': { backgroundColor: mode === 'dark' ? 'rgba(255,255,255,0.04)' : 'rgba(0,0,0,0.03)' },
        '&.cm-focused': { outline: 'none' },
        '.cm-cursor': { borderLeftColor: colors.caret },
        '.cm-foldPlaceholder': { color: colors.text, backgroundColor: colors.gutter },
      },
      { dark: mode === 'dark' },
    ),
    syntaxHighlighting(mode === 'dark' ? DARK : LIGHT),
  ];
}

export function JsonEditor(props: JsonEditorProps) {
  const { label, value, onChange, readOnly = false, error, helperText, minHeight = 160, maxHeight = 480, testId } = props;
  const theme = useTheme();
  const labelId = useId();
  const helpId = useId();
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const themeSlot = useRef(new Compartment());
  const editSlot = useRef(new Compartment());
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  const colors = {
    text: theme.palette.text.primary,
    muted: theme.palette.text.secondary,
    bg: theme.palette.background.paper,
    gutter: theme.palette.mode === 'dark' ? '#1c222b' : '#f3f5f8',
    caret: theme.palette.text.primary,
  };
  const described = [helperText || error ? helpId : null].filter(Boolean).join(' ');

  const editable = (ro: boolean) => [
    EditorState.readOnly.of(ro),
    EditorView.editable.of(!ro),
    EditorView.contentAttributes.of({
      'aria-labelledby': labelId,
      ...(described ? { 'aria-describedby': described } : {}),
      ...(error ? { 'aria-invalid': 'true' } : {}),
      // A read-only editor is not contenteditable: keep it in the tab order.
      ...(ro ? { tabindex: '0', 'aria-readonly': 'true' } : {}),
    }),
  ];

  useEffect(() => {
    if (!host.current) return;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          json(),
          EditorView.lineWrapping,
          themeSlot.current.of(themeFor(theme.palette.mode, colors)),
          editSlot.current.of(editable(readOnly)),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) onChangeRef.current?.(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // The editor is made once; the effects below keep it in step with the props.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: themeSlot.current.reconfigure(themeFor(theme.palette.mode, colors)) });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [theme.palette.mode]);

  useEffect(() => {
    view.current?.dispatch({ effects: editSlot.current.reconfigure(editable(readOnly)) });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [readOnly, error, helperText]);

  return (
    <Box data-testid={testId}>
      <Typography id={labelId} component="div" variant="body2" sx={{ mb: 0.5, fontWeight: 600 }} color={error ? 'error' : 'text.primary'}>
        {label}
        {readOnly && (
          <Typography component="span" variant="body2" color="text.secondary">
            {' '}(read-only)
          </Typography>
        )}
      </Typography>
      <Box
        ref={host}
        sx={{
          border: 1,
          borderColor: error ? 'error.main' : 'divider',
          borderRadius: 1,
          overflow: 'hidden',
          '&:focus-within': { borderColor: error ? 'error.main' : 'primary.main', boxShadow: (t) => `0 0 0 1px ${error ? t.palette.error.main : t.palette.primary.main}` },
          '& .cm-editor': { minHeight, maxHeight },
          '& .cm-scroller': { minHeight, maxHeight, overflow: 'auto' },
        }}
      />
      {(error || helperText) && (
        <FormHelperText id={helpId} error={Boolean(error)}>
          {error ?? helperText}
        </FormHelperText>
      )}
    </Box>
  );
}
