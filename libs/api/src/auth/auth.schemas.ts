import { z } from 'zod';

const newPassword = z
  .string()
  .min(10, 'The password must be at least 10 characters long.')
  .max(1024, 'The password is too long (1024 characters at most).');

export const SignUpInputSchema = z.object({
  email: z.email('Please enter a valid email address.').max(254),
  password: newPassword,
  name: z.string().trim().max(100).optional(),
  /** The token from an invite link (SIGNUP_MODE=invite). */
  inviteToken: z.string().trim().min(1).max(200).optional(),
});
export type SignUpInput = z.infer<typeof SignUpInputSchema>;

export const SignInInputSchema = z.object({
  email: z.string().trim().min(1, 'Please enter your email address.').max(254),
  password: z.string().min(1, 'Please enter your password.').max(1024),
});
export type SignInInput = z.infer<typeof SignInInputSchema>;

export const ChangePasswordInputSchema = z.object({
  currentPassword: z.string().min(1, 'Please enter your current password.').max(1024),
  newPassword,
});
export type ChangePasswordInput = z.infer<typeof ChangePasswordInputSchema>;

export const DeleteAccountInputSchema = z.object({
  password: z.string().min(1, 'Please enter your password to confirm.').max(1024),
});
export type DeleteAccountInput = z.infer<typeof DeleteAccountInputSchema>;
