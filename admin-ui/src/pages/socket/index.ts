export { SocketMonitorPage } from './SocketMonitorPage';
