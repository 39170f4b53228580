import { publicProcedure } from '../trpc';

export const meProcedure = publicProcedure.query(({ ctx }) => ({ user: ctx.user }));
