import { z } from 'zod';

export const SignUpInputSchema = z.object({
  email: z.email('Please enter a valid email address.').max(254),
  password: z.string().min(10, 'The password must be at least 10 characters long.').max(1024),
  name: z.string().trim().max(100).optional(),
});
export type SignUpInput = z.infer<typeof SignUpInputSchema>;

export const SignInInputSchema = z.object({
  email: z.string().trim().min(1, 'Please enter your email address.').max(254),
  password: z.string().min(1, 'Please enter your password.').max(1024),
});
export type SignInInput = z.infer<typeof SignInInputSchema>;
