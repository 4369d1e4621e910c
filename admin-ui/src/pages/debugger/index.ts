// The Debugging pages: one lazily loaded chunk.
export { DebuggerPage } from './DebuggerPage';
export { ReplayPage } from './ReplayPage';
