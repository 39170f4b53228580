export { EnvSchema, type Env } from './config.schema';
export { parseConfig, getConfig, type Config } from './config';
