import { postingDate } from './posting-date';

/**
 * The sandbox's biller catalogue for bill pay: a few fixed billers, the first from seed 004. Each
 * knows the account numbers it accepts, its amount limits, its rails and how long posting takes.
 */

export interface Biller {
  id: string;
  name: string;
  address: string;
  city: string;
  state: string;
  zip: string;
  accountPattern: RegExp;
  min: number;
  max: number;
  creditEnabled: boolean;
  debitEnabled: boolean;
  postingDays: number;
}

const BILLERS: readonly Biller[] = [
  {
    id: '123457',
    name: 'First Service Middle Jersey',
    address: 'PO Box 5555',
    city: 'Secaucus',
    state: 'NJ',
    zip: '07032-0310',
    accountPattern: /^[0-9]{4,20}$/,
    min: 5,
    max: 2000,
    creditEnabled: true,
    debitEnabled: false,
    postingDays: 1,
  },
  {
    id: '200104',
    name: 'Metro Power & Light',
    address: '500 Grid Avenue',
    city: 'Newark',
    state: 'NJ',
    zip: '07102',
    accountPattern: /^[0-9]{10}$/,
    min: 1,
    max: 5000,
    creditEnabled: true,
    debitEnabled: true,
    postingDays: 2,
  },
  {
    id: '300208',
    name: 'Riverside Water Utility',
    address: 'PO Box 1200',
    city: 'Trenton',
    state: 'NJ',
    zip: '08650',
    accountPattern: /^RW[0-9]{8}$/,
    min: 1,
    max: 1000,
    creditEnabled: true,
    debitEnabled: false,
    postingDays: 3,
  },
  {
    id: '400316',
    name: 'Summit Card Services',
    address: 'PO Box 7000',
    city: 'Wilmington',
    state: 'DE',
    zip: '19850',
    accountPattern: /^[0-9]{16}$/,
    min: 10,
    max: 25_000,
    creditEnabled: true,
    debitEnabled: true,
    postingDays: 1,
  },
  {
    id: '500422',
    name: 'Lakeshore Mortgage Co',
    address: '900 Harbor Drive',
    city: 'Chicago',
    state: 'IL',
    zip: '60601',
    accountPattern: /^[0-9]{12}$/,
    min: 100,
    max: 10_000,
    creditEnabled: false,
    debitEnabled: true,
    postingDays: 5,
  },
];

export function findBiller(payeeId: string): Biller | undefined {
  return BILLERS.find((biller) => biller.id === payeeId);
}

export function amountAllowed(biller: Biller, amount: number | null | undefined): boolean {
  return amount === null || amount === undefined || (amount >= biller.min && amount <= biller.max);
}

export function searchBillers(query: {
  account: string;
  amount?: number | null;
  rail_type: 'CREDIT' | 'DEBIT';
}): Biller[] {
  return BILLERS.filter(
    (biller) =>
      biller.accountPattern.test(query.account) &&
      amountAllowed(biller, query.amount) &&
      (query.rail_type === 'CREDIT' ? biller.creditEnabled : biller.debitEnabled),
  );
}

const money = (value: number) => value.toFixed(2);
const flag = (value: boolean) => (value ? 1 : 0);

function posting(biller: Biller, now: Date) {
  const date = postingDate(now, biller.postingDays);
  return { estimated_posting_time: `Payment will post ${date}`, estimated_posting_date: date };
}

/** A biller as `biller/search` lists it. */
export function searchResult(biller: Biller, now: Date): Record<string, unknown> {
  return {
    id: biller.id,
    name: biller.name,
    address: biller.address,
    city: biller.city,
    state: biller.state,
    zip: biller.zip,
    min: money(biller.min),
    max: money(biller.max),
    ...posting(biller, now),
    credit_enabled: flag(biller.creditEnabled),
    debit_enabled: flag(biller.debitEnabled),
  };
}

/** A biller as `verify--billpay` answers it in `issuers[]` (seed 004). */
export function issuer(biller: Biller, now: Date): Record<string, unknown> {
  const info = {
    min: money(biller.min),
    max: money(biller.max),
    card_type: 'NA',
    ...posting(biller, now),
  };
  return {
    payee_id: biller.id,
    payee_name: biller.name,
    payee_address: biller.address,
    payee_city: biller.city,
    payee_state: biller.state,
    payee_zip: biller.zip,
    ...(biller.creditEnabled ? { credit_info: info } : {}),
    ...(biller.debitEnabled ? { debit_info: info } : {}),
    issuing_network: 'NA',
    credit_enabled: flag(biller.creditEnabled),
    debit_enabled: flag(biller.debitEnabled),
  };
}
