export { EnvSchema, type Env } from './config.schema';
export { parseConfig, getConfig, type Config, type S3Config } from './config';
