export {
  createMailer,
  outboxFileName,
  type Mailer,
  type MailerConfig,
  type SendEmailInput,
  type SendEmailResult,
} from './mailer.service';
export { mediaMessageId } from './message-id';
export {
  classifySmtpError,
  describeSmtpError,
  isPermanentSmtpError,
  type SmtpErrorClass,
} from './smtp-error';
export { escapeHtml, type RenderedEmail } from './templates/email-layout';
export { renderMediaReadyEmail, type MediaReadyEmailInput } from './templates/media-ready.template';
export { renderMediaFailedEmail, type MediaFailedEmailInput } from './templates/media-failed.template';
export { renderVerifyEmail, type VerifyEmailInput } from './templates/verify-email.template';
