import { useParams, useSearchParams } from 'react-router-dom';

/**
 * The token of an emailed link: /reset-password/:token and /invite/:token, or the server's
 * own links /reset-password?token=… and /invite/accept?token=… (src/identity).
 */
export function useLinkToken(): string {
  const { token } = useParams();
  const [search] = useSearchParams();
  const fromQuery = search.get('token');
  if (fromQuery) return fromQuery;
  return token && token !== 'accept' ? token : '';
}
