/** The slice of a pino logger the queue runtime needs; any pino Logger fits. */
export type QueueLogger = {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};
