import { API_KEY_SCOPES } from '@fjord/auth';
import { z } from 'zod';

export const CreateApiKeyInputSchema = z.strictObject({
  name: z.string().trim().min(1, 'Give the key a name.').max(100),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1, 'Pick at least one scope.'),
});
export type CreateApiKeyInput = z.infer<typeof CreateApiKeyInputSchema>;

export const RevokeApiKeyInputSchema = z.strictObject({ id: z.uuid() });
