export {
  createTestDatabase,
  prepareTemplateDatabase,
  templateDatabaseName,
  type TestDatabase,
} from './test-database';
export { testConfig, uniquePrefix } from './test-config';
export { startSmtpListener, type SmtpListener } from './smtp-listener';
export { waitFor, type WaitForOptions } from './wait-for';
export { createTestUser, hashTestPassword, TEST_PASSWORD, type TestUserOverrides } from './test-user';
export { startS3TestServer, type S3RequestSeen, type S3TestServer } from './s3-test-server';
export { startOwnRedisServer, type OwnRedisServer } from './own-redis-server';
