import type { ReactElement } from 'react';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import { Can, type PermissionRequirement } from '../auth/permissions';

/** A table row's icon action (edit, delete...), shown only with `permission`; `label` names it for screen readers. */
export function RowAction(props: { permission: PermissionRequirement; title: string; label: string; icon: ReactElement; onClick: () => void }) {
  return (
    <Can permission={props.permission}>
      <Tooltip title={props.title}>
        <IconButton aria-label={props.label} onClick={props.onClick}>
          {props.icon}
        </IconButton>
      </Tooltip>
    </Can>
  );
}
