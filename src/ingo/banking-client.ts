import type { z } from 'zod';
import {
  BANKING_ERROR_CLASSES,
  IngoAuthError,
  IngoInvalidStateError,
  IngoNotFoundError,
  IngoProtocolError,
  IngoRateLimitError,
  IngoServerError,
  IngoValidationError,
  type IngoError,
  type IngoErrorInit,
} from './errors';
import { parseResponse, reportedFields, validateRequest } from './schema-checks';
import {
  bankingErrorEnvelope,
  bankingSuccessEnvelope,
  checkVerificationRequest,
  checkVerificationResponse,
  createUserRequest,
  createUserResponse,
  issueRoutableAccountRequest,
  issueRoutableAccountResponse,
  listUsersRequest,
  listUsersResponse,
  saveBankAccountRequest,
  saveBankAccountResponse,
  sendVerificationRequest,
  sendVerificationResponse,
  type CheckVerificationRequest,
  type CreateUserRequest,
  type IngoUser,
  type IssueRoutableAccountRequest,
  type LinkedBankAccount,
  type ListUsersRequest,
  type RoutableAccount,
  type SaveBankAccountRequest,
  type SendVerificationRequest,
  type UserPage,
  type VerificationStatus,
} from './schemas/banking';
import {
  retryAfterMs,
  SignedTransport,
  type Credentials,
  type IngoResponse,
} from './signed-transport';

export interface BankingClientOptions {
  /** The documented base URL, ending in `/api/v4`. */
  baseUrl: string;
  credentials: Credentials;
  apiKey: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => Date;
}

/** When Ingo gives no error code, the HTTP status decides the class. */
function classForStatus(status: number): new (init: IngoErrorInit) => IngoError {
  if (status === 401 || status === 403) return IngoAuthError;
  if (status === 404) return IngoNotFoundError;
  if (status === 409) return IngoInvalidStateError;
  if (status === 429) return IngoRateLimitError;
  if (status >= 500) return IngoServerError;
  if (status >= 400) return IngoValidationError;
  return IngoProtocolError;
}

/** The Banking Platform API (INGO-API.md section 2): every call signed, validated both ways. */
export class IngoBankingClient {
  private readonly transport: SignedTransport;
  private readonly baseUrl: string;
  private readonly apiRoot: string;

  constructor(options: BankingClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    if (!this.baseUrl.endsWith('/api/v4')) {
      throw new Error('The Banking Platform base URL must end in /api/v4');
    }
    this.apiRoot = this.baseUrl.slice(0, -'/api/v4'.length);
    this.transport = new SignedTransport({
      credentials: options.credentials,
      timeoutMs: options.timeoutMs,
      headers: { api_key: options.apiKey },
      fetch: options.fetch,
      now: options.now,
    });
  }

  /** Creates a user. Not idempotent at Ingo: see `listUsers` for finding one that already exists. */
  createUser(request: CreateUserRequest, signal?: AbortSignal): Promise<IngoUser> {
    return this.call(
      'user/create',
      `${this.baseUrl}/user/create`,
      createUserRequest,
      request,
      createUserResponse,
      signal,
    );
  }

  listUsers(request: ListUsersRequest = {}, signal?: AbortSignal): Promise<UserPage> {
    return this.call(
      'user/get-all',
      `${this.baseUrl}/user/get-all`,
      listUsersRequest,
      request,
      listUsersResponse,
      signal,
    );
  }

  /** Every user matching the filter, across pages. */
  async listAllUsers(
    filter: Omit<ListUsersRequest, 'page' | 'per_page'>,
    signal?: AbortSignal,
  ): Promise<IngoUser[]> {
    const users: IngoUser[] = [];
    for (let page = 1; ; page += 1) {
      const result = await this.listUsers({ ...filter, page, per_page: 500 }, signal);
      users.push(...result.items);
      if (result.items.length === 0 || users.length >= result.pagination.total) return users;
    }
  }

  sendVerificationRequest(
    request: SendVerificationRequest,
    signal?: AbortSignal,
  ): Promise<z.output<typeof sendVerificationResponse>> {
    return this.call(
      'user/send-verification-request',
      `${this.baseUrl}/user/send-verification-request`,
      sendVerificationRequest,
      request,
      sendVerificationResponse,
      signal,
    );
  }

  checkVerificationRequest(
    request: CheckVerificationRequest,
    signal?: AbortSignal,
  ): Promise<VerificationStatus> {
    return this.call(
      'user/check-verification-request',
      `${this.baseUrl}/user/check-verification-request`,
      checkVerificationRequest,
      request,
      checkVerificationResponse,
      signal,
    );
  }

  /** Ingo answers `INVALID_STATE` (IngoInvalidStateError) unless the user's KYC is verified. */
  issueRoutableAccount(
    request: IssueRoutableAccountRequest,
    signal?: AbortSignal,
  ): Promise<RoutableAccount> {
    return this.call(
      'business/routable-bank-accounts/issue',
      `${this.baseUrl}/business/routable-bank-accounts/issue`,
      issueRoutableAccountRequest,
      request,
      issueRoutableAccountResponse,
      signal,
    );
  }

  /** Links an external account; the same `idempotent_key` replays the first answer. */
  saveBankAccount(
    request: SaveBankAccountRequest,
    signal?: AbortSignal,
  ): Promise<LinkedBankAccount> {
    return this.call(
      'users/bank-accounts/save',
      `${this.apiRoot}/api/v3/users/bank-accounts/save`,
      saveBankAccountRequest,
      request,
      saveBankAccountResponse,
      signal,
    );
  }

  private async call<Req extends z.ZodType, Res extends z.ZodType>(
    operation: string,
    url: string,
    requestSchema: Req,
    request: unknown,
    responseSchema: Res,
    signal: AbortSignal | undefined,
  ): Promise<z.output<Res>> {
    const payload = validateRequest(operation, requestSchema, request);
    const response = await this.transport.post(operation, url, payload, signal);
    const envelope = bankingSuccessEnvelope.safeParse(response.body);
    if (response.status >= 200 && response.status < 300 && envelope.success) {
      return parseResponse(operation, responseSchema, envelope.data.data, response.status);
    }
    throw this.errorFrom(operation, response);
  }

  private errorFrom(operation: string, response: IngoResponse): IngoError {
    const body = bankingErrorEnvelope.safeParse(response.body ?? {});
    const code = body.success ? body.data.code : undefined;
    const success = response.status >= 200 && response.status < 300;
    const init: IngoErrorInit = {
      operation,
      code: code ?? (success ? 'RESPONSE_INVALID' : `HTTP_${response.status}`),
      httpStatus: response.status,
      ingoMessage: body.success ? body.data.message : undefined,
      fields: body.success ? reportedFields(body.data.details) : undefined,
    };
    const ErrorClass =
      (code && BANKING_ERROR_CLASSES[code]) ||
      (success ? IngoProtocolError : classForStatus(response.status));
    if (ErrorClass === IngoRateLimitError) {
      return new IngoRateLimitError({ ...init, retryAfterMs: retryAfterMs(response.headers) });
    }
    return new ErrorClass(init);
  }
}
