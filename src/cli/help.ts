import { API_STATUSES } from '../api/schemas';
import { EXIT_CODE_HELP } from './exit-codes';

export const HELP = `ingo-onboarding: look after onboardings through the onboarding API

Usage: ingo-onboarding <command> [arguments] [options]

Commands:
  start <file.json | ->      start an onboarding from a request body in the API's shape
                             (- reads it from stdin); the same signup again shows the
                             onboarding it already has
  status <signupId>          one onboarding: status, step, KYC, accounts, last error
  list [--status S] [--page-size N] [--page-token T]
                             onboardings, one page (N: 1-100, default 50) at a time;
                             S: ${API_STATUSES.join(', ')}
  retry <signupId> [--step STEP]
                             re-run the step an onboarding in needs_attention is parked
                             at (fix the cause first); with --step only if it is STEP
  resubmit-kyc <signupId> --from-file <file.json | ->
                             corrected {"ssn": "...", "dateOfBirth": "YYYY-MM-DD"} after a
                             failed KYC review; - reads stdin, e.g. from a password manager
  resubmit-kyc <signupId> --ssn SSN --dob YYYY-MM-DD
                             the same from flags, which stay in your shell's history:
                             prefer --from-file
  cancel <signupId>          cancel the onboarding (Temporal's cancellation)
  help                       this text

Options:
  --url URL                  the API (default: ONBOARDING_API_URL, else http://127.0.0.1:<ONBOARDING_API_PORT, 3000>)
  --token TOKEN              bearer token (default: ONBOARDING_API_TOKEN; prefer the variable,
                             flags stay in your shell's history)
  --json                     print the API's JSON answer on stdout (errors too) instead of text
  -h, --help                 this text

${EXIT_CODE_HELP}
`;
