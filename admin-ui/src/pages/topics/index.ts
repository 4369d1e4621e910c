export { TopicsPage } from './TopicsPage';
