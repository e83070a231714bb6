export * from './trainer';
export * from './trajectory';
export * from './lrSearch';
