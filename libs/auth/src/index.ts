export { hashPassword, verifyPassword, needsRehash, MIN_PASSWORD_LENGTH } from './password.service';
export { normalizeEmail, type AuthUser } from './auth-user';
export {
  signUp,
  signIn,
  ensureAdmin,
  type EnsureAdminResult,
  type SignUpInput,
  type SignInInput,
} from './account.service';
export {
  createSession,
  resolveSession,
  revokeSession,
  revokeAllSessions,
  SESSION_TTL_MS,
  type CreatedSession,
  type ResolvedSession,
} from './session.service';
export {
  SESSION_COOKIE_NAME,
  readSessionCookie,
  serializeSessionCookie,
  serializeClearedSessionCookie,
} from './session-cookie';
export {
  createApiKey,
  verifyApiKey,
  revokeApiKey,
  listApiKeys,
  hasScope,
  API_KEY_SCOPES,
  type ApiKeyScope,
  type ApiKeyInfo,
} from './api-key.service';
export {
  createInvite,
  signUpWithInvite,
  signUpInMode,
  inviteSignupUrl,
  SIGNUP_CLOSED_MESSAGE,
  INVITE_REQUIRED_MESSAGE,
  type SignupMode,
  type CreatedInvite,
} from './invite.service';
export { assertCurrentPassword, changePassword, WRONG_CURRENT_PASSWORD } from './password-change.service';
export { createAuthService, type AuthService } from './auth.service';
export {
  signFilePath,
  verifySignedFilePath,
  signStreamToken,
  verifyStreamToken,
  loadOrCreateSecretFile,
  loadUrlSigningSecret,
  type SignedPathCheck,
} from './signed-url.service';
export { isValidImageSignature, signImagePath } from './signed-image-path.service';
export {
  checkVerificationToken,
  confirmEmail,
  signVerificationToken,
  verificationLink,
  VERIFICATION_LINK_EXPIRED,
  VERIFICATION_LINK_INVALID,
  type VerificationCheck,
} from './email-verification';
