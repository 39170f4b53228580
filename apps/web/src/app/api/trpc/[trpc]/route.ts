import { getServices } from '@fjord/http';
import { handleTrpcRequest } from '@fjord/http';
import { withTransportSecurity } from '@/server/security/strict-transport-security';

export const dynamic = 'force-dynamic';

const handler = withTransportSecurity((req: Request) => handleTrpcRequest(req, getServices()));
export { handler as GET, handler as POST };
