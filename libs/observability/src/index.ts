export {
  createLogger,
  REDACTED_PATHS,
  type CreateLoggerOptions,
  type Logger,
  type LogLevel,
} from './logger.service';
export * from './metrics';
export * from './tracing';
