export {
  createTestDatabase,
  prepareTemplateDatabase,
  templateDatabaseName,
  type TestDatabase,
} from './test-database';
export { testConfig, uniquePrefix } from './test-config';
export { startSmtpListener, type SmtpListener } from './smtp-listener';
export {
  startFaultySmtpServer,
  type FaultySmtpServer,
  type ReceivedSmtpMessage,
  type SmtpFault,
} from './faulty-smtp-server';
export { waitFor, type WaitForOptions } from './wait-for';
export { silentLogger } from './silent-logger';
export { createTestUser, hashTestPassword, TEST_PASSWORD, type TestUserOverrides } from './test-user';
export { startS3TestServer, type S3RequestSeen, type S3TestServer } from './s3-test-server';
export { mountTmpfs, type TmpfsMount, type TmpfsResult } from './tmpfs-mount';
export { startOwnRedisServer, type OwnRedisServer } from './own-redis-server';
export { closedLoopbackPort, listenOnLoopback } from './loopback';
export {
  createReadyMedia,
  createTestRendition,
  type ReadyMediaOverrides,
  type TestRenditionOverrides,
} from './test-media';
export { toWebRequest } from './node-request';
export {
  destinationCounts,
  GLIBC_NSCD_SOCKETS,
  parseConnectTrace,
  STRACE,
  straceConnectPrefix,
  unexpectedConnects,
  type AllowedDestinations,
  type ConnectRecord,
} from './connect-trace';
