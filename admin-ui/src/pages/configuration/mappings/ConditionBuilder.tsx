// The visual builder of a mapping's `when`: conditions ("<column> changed", "<column> equals
// <value>") and nested all/any groups, no JSON needed. Every control is labelled with the
// condition's position ("condition 1.2"), so a screen reader (and a test) can tell them apart.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import Add from '@mui/icons-material/Add';
import AccountTreeOutlined from '@mui/icons-material/AccountTreeOutlined';
import DeleteOutline from '@mui/icons-material/DeleteOutline';
import { MAX_DEPTH, newGroup, newLeaf } from './conditions';
import type { CondNode, LiteralType } from './conditions';

interface NodeProps {
  node: CondNode;
  path: string;
  depth: number;
  onChange: (n: CondNode) => void;
  onRemove?: () => void;
}

const nativeSelect = { select: { native: true } } as const;

type LeafNode = Extract<CondNode, { column: string }>;

function LeafEditor({ node: any, path, onChange, onRemove, onGroup }: NodeProps & { onGroup?: () => void }) {
  if (any.kind === 'and' || any.kind === 'or') return null;
  const node = any as LeafNode;
  const setKind = (kind: string) =>
    onChange(kind === 'eq' ? { kind: 'eq', column: node.column, type: 'string', text: '' } : { kind: 'changed', column: node.column });
  return (
    <Box sx={{ display: 'flex', gap: 1, alignItems: 'flex-start', flexWrap: 'wrap' }} data-testid={`condition-${path}`}>
      <TextField
        select
        size="small"
        label="Condition"
        value={node.kind}
        onChange={(e) => setKind(e.target.value)}
        slotProps={{ ...nativeSelect, htmlInput: { 'aria-label': `Condition ${path} kind` } }}
        sx={{ width: 175 }}
      >
        <option value="changed">column changed</option>
        <option value="eq">column equals</option>
      </TextField>
      <TextField
        size="small"
        label="Column"
        value={node.column}
        onChange={(e) => onChange({ ...node, column: e.target.value })}
        slotProps={{ htmlInput: { 'aria-label': `Condition ${path} column`, spellCheck: false, style: { fontFamily: 'monospace' } } }}
        sx={{ width: 170 }}
      />
      {node.kind === 'eq' && (
        <>
          <TextField
            select
            size="small"
            label="Value type"
            value={node.type}
            onChange={(e) => {
              const type = e.target.value as LiteralType;
              onChange({ ...node, type, text: type === 'boolean' ? 'true' : type === 'null' ? '' : node.text });
            }}
            slotProps={{ ...nativeSelect, htmlInput: { 'aria-label': `Condition ${path} value type` } }}
            sx={{ width: 120 }}
          >
            <option value="string">text</option>
            <option value="number">number</option>
            <option value="boolean">boolean</option>
            <option value="null">null</option>
          </TextField>
          {node.type === 'boolean' ? (
            <TextField
              select
              size="small"
              label="Value"
              value={node.text}
              onChange={(e) => onChange({ ...node, text: e.target.value })}
              slotProps={{ ...nativeSelect, htmlInput: { 'aria-label': `Condition ${path} value` } }}
              sx={{ width: 110 }}
            >
              <option value="true">true</option>
              <option value="false">false</option>
            </TextField>
          ) : node.type !== 'null' ? (
            <TextField
              size="small"
              label="Value"
              type={node.type === 'number' ? 'number' : 'text'}
              value={node.text}
              onChange={(e) => onChange({ ...node, text: e.target.value })}
              slotProps={{ htmlInput: { 'aria-label': `Condition ${path} value` } }}
              sx={{ width: 170 }}
            />
          ) : null}
        </>
      )}
      {onGroup && (
        <Button size="small" startIcon={<AccountTreeOutlined />} onClick={onGroup} sx={{ mt: 0.5 }}>
          Combine with another condition
        </Button>
      )}
      {onRemove && (
        <Tooltip title="Remove">
          <IconButton aria-label={`Remove condition ${path}`} onClick={onRemove} size="small" sx={{ mt: 0.5 }}>
            <DeleteOutline fontSize="small" />
          </IconButton>
        </Tooltip>
      )}
    </Box>
  );
}

function GroupEditor({ node, path, depth, onChange, onRemove }: NodeProps) {
  if (node.kind !== 'and' && node.kind !== 'or') return null;
  const setChild = (i: number, c: CondNode) => onChange({ ...node, children: node.children.map((x, j) => (j === i ? c : x)) });
  const removeChild = (i: number) => onChange({ ...node, children: node.children.filter((_, j) => j !== i) });
  const add = (c: CondNode) => onChange({ ...node, children: [...node.children, c] });
  return (
    <Paper
      variant="outlined"
      role="group"
      aria-label={`Group ${path}`}
      data-testid={`group-${path}`}
      sx={{ p: 1.5, borderLeft: 4, borderLeftColor: node.kind === 'and' ? 'primary.main' : 'secondary.main' }}
    >
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1.5, flexWrap: 'wrap' }}>
        <Typography variant="body2">Match</Typography>
        <TextField
          select
          size="small"
          label="Match"
          value={node.kind}
          onChange={(e) => onChange({ ...node, kind: e.target.value as 'and' | 'or' })}
          slotProps={{ ...nativeSelect, htmlInput: { 'aria-label': `Group ${path} match` } }}
          sx={{ width: 170 }}
        >
          <option value="and">all of (AND)</option>
          <option value="or">any of (OR)</option>
        </TextField>
        <Box sx={{ flex: 1 }} />
        {onRemove && (
          <Button size="small" color="error" startIcon={<DeleteOutline />} onClick={onRemove} aria-label={`Remove group ${path}`}>
            Remove group
          </Button>
        )}
      </Box>
      <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }}>
        {node.children.map((c, i) => (
          <NodeEditor
            key={i}
            node={c}
            path={`${path}.${i + 1}`}
            depth={depth + 1}
            onChange={(x) => setChild(i, x)}
            onRemove={() => removeChild(i)}
          />
        ))}
        {node.children.length === 0 && (
          <Typography variant="body2" color="error">
            An empty group is not allowed: add a condition.
          </Typography>
        )}
      </Box>
      <Box sx={{ display: 'flex', gap: 1, mt: 1.5 }}>
        <Button size="small" startIcon={<Add />} onClick={() => add(newLeaf())} aria-label={`Add condition to group ${path}`}>
          Condition
        </Button>
        <Button
          size="small"
          startIcon={<Add />}
          onClick={() => add(newGroup(node.kind === 'and' ? 'or' : 'and'))}
          disabled={depth >= MAX_DEPTH}
          aria-label={`Add group to group ${path}`}
        >
          Group
        </Button>
      </Box>
    </Paper>
  );
}

function NodeEditor(props: NodeProps & { onGroup?: () => void }) {
  return props.node.kind === 'and' || props.node.kind === 'or' ? <GroupEditor {...props} /> : <LeafEditor {...props} />;
}

/** The root of the builder: one condition or a group; a single condition can be combined into a group. */
export function ConditionBuilder({ value, onChange }: { value: CondNode; onChange: (n: CondNode) => void }) {
  const leaf = value.kind === 'changed' || value.kind === 'eq';
  return (
    <NodeEditor
      node={value}
      path="1"
      depth={1}
      onChange={onChange}
      onGroup={leaf ? () => onChange({ kind: 'and', children: [value, newLeaf()] }) : undefined}
    />
  );
}
