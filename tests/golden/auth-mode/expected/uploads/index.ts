export * as Cover from './Cover';
