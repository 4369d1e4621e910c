export { DocumentsPage } from './DocumentsPage';
export { DocumentInspectorPage } from './DocumentInspectorPage';
