import type { z } from 'zod';
import {
  IngoAuthError,
  IngoDeclinedError,
  IngoInProgressError,
  IngoProtocolError,
  IngoRateLimitError,
  IngoServerError,
  IngoValidationError,
  type IngoError,
  type IngoErrorInit,
} from './errors';
import { parseResponse, reportedFields, validateRequest } from './schema-checks';
import {
  billerSearchRequest,
  billerSearchResponse,
  ingoPayEnvelope,
  INGOPAY_VERSION,
  isIngoPaySuccess,
  verifyBillpayRequest,
  verifyBillpayResponse,
  verifyCheckRequest,
  verifyCheckResponse,
  type Biller,
  type BillerSearchRequest,
  type VerifyBillpayRequest,
  type VerifyCheckRequest,
} from './schemas/ingopay';
import { retryAfterMs, SignedTransport, type Credentials } from './signed-transport';

export interface IngoPayClientOptions {
  baseUrl: string;
  credentials: Credentials;
  participantId: number;
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => Date;
}

/** How a tokenising call succeeded, beside the token itself. */
export interface TokenOutcome {
  /** IngoPay's status: 100, 101 (replay of an earlier success) or 111-113 (partial address). */
  ingoPayStatus: number;
  /** True when Ingo recognised `participant_unique_id1` and returned the earlier token. */
  replay: boolean;
  partialAddressMatch: boolean;
}

export type CheckToken = z.output<typeof verifyCheckResponse> & TokenOutcome;
export type BillpayToken = z.output<typeof verifyBillpayResponse> & TokenOutcome;

/** IngoPay's numeric status codes (INGO-API.md section 4) to error classes and codes. */
function errorForStatus(status: number, init: Omit<IngoErrorInit, 'code'>): IngoError {
  const withCode = (code: string) => ({ ...init, code, ingoPayStatus: status });
  if (status === 104) return new IngoInProgressError(withCode('IN_PROGRESS'));
  if (status === 400) return new IngoValidationError(withCode('MISSING_PARAMETER'));
  if (status === 401) return new IngoValidationError(withCode('INVALID_PARAMETER'));
  if (status === 402) return new IngoAuthError(withCode('TIMESTAMP_SKEW'));
  if (status === 700) return new IngoDeclinedError(withCode('ACCOUNT_UNAVAILABLE'));
  if (status >= 753 && status <= 755) return new IngoDeclinedError(withCode('ADDRESS_DECLINED'));
  if (status === 1042) return new IngoDeclinedError(withCode('CHECK_DIGIT_FAILURE'));
  if (status >= 500 && status < 600) return new IngoServerError(withCode('SYSTEM_ERROR'));
  return new IngoDeclinedError(withCode(`STATUS_${status}`));
}

/** The IngoPay gateway (INGO-API.md section 4): biller search and payout-destination tokens. */
export class IngoPayClient {
  private readonly transport: SignedTransport;
  private readonly baseUrl: string;
  private readonly now: () => Date;

  constructor(private readonly options: IngoPayClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.now = options.now ?? (() => new Date());
    this.transport = new SignedTransport({
      credentials: options.credentials,
      timeoutMs: options.timeoutMs,
      fetch: options.fetch,
      now: options.now,
    });
  }

  async searchBillers(request: BillerSearchRequest, signal?: AbortSignal): Promise<Biller[]> {
    const { data } = await this.call(
      'biller/search',
      '/gateway/v1/biller/search',
      billerSearchRequest,
      request,
      billerSearchResponse,
      signal,
    );
    return data;
  }

  /** Tokenises a check-by-mail payee. `participant_unique_id1` makes a retry replay (101). */
  async verifyCheck(request: VerifyCheckRequest, signal?: AbortSignal): Promise<CheckToken> {
    const { data, outcome } = await this.call(
      'verify--check',
      '/gateway/verify--check',
      verifyCheckRequest,
      { ...request, account_type: 'CK' },
      verifyCheckResponse,
      signal,
    );
    return { ...data, ...outcome };
  }

  /** Verifies a bill account with a biller and tokenises it. */
  async verifyBillpay(request: VerifyBillpayRequest, signal?: AbortSignal): Promise<BillpayToken> {
    const { data, outcome } = await this.call(
      'verify--billpay',
      '/gateway/verify--billpay',
      verifyBillpayRequest,
      { ...request, account_type: 'BP' },
      verifyBillpayResponse,
      signal,
    );
    return { ...data, ...outcome };
  }

  private async call<Req extends z.ZodType, Res extends z.ZodType>(
    operation: string,
    path: string,
    requestSchema: Req,
    request: object,
    responseSchema: Res,
    signal: AbortSignal | undefined,
  ): Promise<{ data: z.output<Res>; outcome: TokenOutcome }> {
    const payload = validateRequest(operation, requestSchema, {
      ...request,
      participant_id: this.options.participantId,
      timestamp: Math.floor(this.now().getTime() / 1000),
      version: INGOPAY_VERSION,
    });
    const response = await this.transport.post(operation, this.baseUrl + path, payload, signal);
    const base = { operation, httpStatus: response.status };

    if (response.status === 401 || response.status === 403) {
      throw new IngoAuthError({ ...base, code: 'UNAUTHORIZED' });
    }
    if (response.status === 429) {
      throw new IngoRateLimitError({
        ...base,
        code: 'RATE_LIMITED',
        retryAfterMs: retryAfterMs(response.headers),
      });
    }
    if (response.status >= 500)
      throw new IngoServerError({ ...base, code: `HTTP_${response.status}` });
    const envelope = ingoPayEnvelope.safeParse(response.body);
    if (response.status !== 200 || !envelope.success) {
      throw new IngoProtocolError({
        ...base,
        code: 'RESPONSE_INVALID',
        message: `: HTTP ${response.status} without an IngoPay envelope`,
      });
    }

    const { status, client_message: message, data } = envelope.data;
    if (!isIngoPaySuccess(status)) {
      throw errorForStatus(status, {
        ...base,
        ingoMessage: message ?? undefined,
        fields: reportedFields(data),
      });
    }
    return {
      data: parseResponse(operation, responseSchema, data, response.status),
      outcome: {
        ingoPayStatus: status,
        replay: status === 101,
        partialAddressMatch: status >= 111 && status <= 113,
      },
    };
  }
}
