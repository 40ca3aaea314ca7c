import type { Config } from '../config';
import { IngoBankingClient } from './banking-client';
import { IngoPayClient } from './ingopay-client';

export * from './errors';
export { IngoBankingClient } from './banking-client';
export {
  IngoPayClient,
  type BillpayToken,
  type CheckToken,
  type TokenOutcome,
} from './ingopay-client';

export interface IngoClients {
  banking: IngoBankingClient;
  pay: IngoPayClient;
}

/** Both clients from configuration: the local sandbox by default, real Ingo by its URLs. */
export function createIngoClients(ingo: Config['ingo'], fetchImpl?: typeof fetch): IngoClients {
  return {
    banking: new IngoBankingClient({
      baseUrl: ingo.bankingBaseUrl,
      credentials: ingo.banking,
      apiKey: ingo.apiKey,
      timeoutMs: ingo.timeoutMs,
      fetch: fetchImpl,
    }),
    pay: new IngoPayClient({
      baseUrl: ingo.payBaseUrl,
      credentials: ingo.pay,
      participantId: ingo.participantId,
      timeoutMs: ingo.timeoutMs,
      fetch: fetchImpl,
    }),
  };
}
