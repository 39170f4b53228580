export * from './app-error';
export * from './storage-full';
