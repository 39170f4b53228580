export * from './tracing';
export * from './log-context';
