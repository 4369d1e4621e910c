// The Registry pages built so far: one lazily loaded chunk.
export { TopicsPage } from './topics';
export { SchemasPage } from './schemas';
