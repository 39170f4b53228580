export * from './app-error';
export * from './infrastructure-error';
export * from './storage-full';
