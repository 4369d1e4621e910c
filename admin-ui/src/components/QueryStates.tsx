import type { ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert';
import { LoadingState } from './LoadingState';

/** The parts of a TanStack query that QueryStates reads. */
export interface QueryLike<T> {
  isPending: boolean;
  error: unknown;
  data: T | undefined;
  refetch: () => unknown;
}

/**
 * A query's loading spinner, its error (with a retry button), its empty state or its content, in that order.
 * With `keepDataOnError` an error shows only while there is no data yet (a failed refetch keeps the old rows).
 * `empty` shows instead of `children` when `isEmpty(data)` holds; `children` renders the data.
 */
export function QueryStates<T>(props: {
  query: QueryLike<T>;
  loading?: string;
  errorTitle?: string;
  keepDataOnError?: boolean;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  const { query } = props;
  if (query.isPending) return <LoadingState label={props.loading} />;
  if (query.error && (!props.keepDataOnError || !query.data)) {
    return <ErrorAlert error={query.error} title={props.errorTitle} onRetry={() => void query.refetch()} />;
  }
  const data = query.data as T;
  if (props.isEmpty?.(data)) return <>{props.empty}</>;
  return <>{props.children(data)}</>;
}

