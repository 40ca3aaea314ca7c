import type { OnboardingListItem, OnboardingPage, OnboardingView } from '../api/schemas';
import type { FieldIssue } from '../validation';

/** Human-readable output: aligned key/value blocks and column tables, plain text. */

/** Rows without a value (undefined or null) are left out. */
export function keyValues(rows: [string, string | null | undefined][]): string {
  const shown = rows.filter((row): row is [string, string] => typeof row[1] === 'string');
  const width = Math.max(...shown.map(([key]) => key.length));
  return shown.map(([key, value]) => `${key.padEnd(width)}  ${value}`).join('\n') + '\n';
}

export function columns(header: string[], rows: string[][]): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

const last4 = (digits: string) => `****${digits}`;

/** What an operator can do next, by status. */
function nextStep(view: OnboardingView): string | undefined {
  const id = view.signupId;
  if (view.status === 'needs_attention') {
    return `fix the cause in "last error", then: ingo-onboarding retry ${id} --step ${view.step}`;
  }
  if (view.status === 'kyc_failed' && view.resubmitBy) {
    return `send corrected data: ingo-onboarding resubmit-kyc ${id} --from-file <file.json | ->`;
  }
  return undefined;
}

export function onboardingDetails(view: OnboardingView): string {
  const account = view.routableAccount;
  const linked = view.linkedBankAccount;
  const tokens = view.payoutTokens;
  const error = view.lastError;
  const payouts = [
    tokens?.checkByMail && `check ${last4(tokens.checkByMail.last4)}`,
    tokens?.billPay && `bill pay ${last4(tokens.billPay.last4)} (${tokens.billPay.billerName})`,
  ].filter(Boolean);
  return keyValues([
    ['signup', view.signupId],
    ['workflow', view.workflowId],
    ['status', view.status],
    ['step', view.step],
    ['KYC', view.kycStatus],
    ['Ingo user', view.ingoUserId ?? '-'],
    [
      'routable account',
      account
        ? `${account.id}  routing ${account.routingNumber}  account ${last4(account.accountNumberLast4)}`
        : view.detail === 'full'
          ? '-'
          : 'unknown',
    ],
    [
      'linked account',
      linked &&
        `${linked.id}  routing ${linked.routingNumber}  account ${last4(linked.accountNumberLast4)}`,
    ],
    ['payout tokens', payouts.length > 0 ? payouts.join(', ') : undefined],
    [
      'last error',
      error &&
        `${error.type} at ${error.step}${error.code ? ` (${error.code})` : ''}: ${error.message} [${error.at}]`,
    ],
    ['KYC reasons', view.kycReasons?.join('; ')],
    ['resubmit by', view.resubmitBy],
    [
      'attempts',
      view.attempts &&
        Object.entries(view.attempts)
          .map(([step, count]) => `${step} ${count}`)
          .join(', '),
    ],
    ['KYC submissions', view.kycSubmissions === null ? undefined : String(view.kycSubmissions)],
    ['started', view.startedAt],
    ['closed', view.closedAt],
    [
      'detail',
      view.detail === 'summary'
        ? 'summary only: the workflow did not answer (is the worker running?)'
        : undefined,
    ],
    ['next', nextStep(view)],
  ]);
}

function listRow(item: OnboardingListItem): string[] {
  return [
    item.signupId,
    item.status,
    item.step,
    item.kycStatus,
    item.ingoUserId ?? '-',
    item.startedAt,
    item.closedAt ?? '-',
  ];
}

export function onboardingList(page: OnboardingPage): string {
  const table =
    page.items.length === 0
      ? 'no onboardings\n'
      : columns(
          ['SIGNUP', 'STATUS', 'STEP', 'KYC', 'INGO USER', 'STARTED', 'CLOSED'],
          page.items.map(listRow),
        );
  // With "=": a token may begin with "-", which parseArgs would take for an option.
  return page.nextPageToken ? `${table}more: --page-token=${page.nextPageToken}\n` : table;
}

export function fieldList(fields: FieldIssue[]): string {
  return fields.map((issue) => `  ${issue.field}: ${issue.message}\n`).join('');
}
