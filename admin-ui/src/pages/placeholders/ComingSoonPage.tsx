import { useLocation } from 'react-router-dom';
import { ComingSoon } from '../../components/ComingSoon';
import { NAV_ITEMS } from '../../layout/nav';

/** The placeholder of a spec/12 page not built yet, labelled from the navigation table. */
export function ComingSoonPage() {
  const { pathname } = useLocation();
  const item = NAV_ITEMS.find((i) => i.path === pathname);
  return <ComingSoon title={item?.label ?? 'Coming soon'} description={item?.description ?? ''} api={item?.api} />;
}
