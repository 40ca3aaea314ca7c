#!/usr/bin/env python3
"""An Ingo client written from INGO-API.md alone, sharing no code with the project.

It signs each request by the documented scheme (HMAC-SHA512 over the request line, X-Date,
Content-Type, Content-SHA512 and Content-Length) and drives the Banking Platform through
create -> verify -> issue, printing one JSON line with what it saw. Python standard library only.

usage: drive_sandbox.py BASE_URL [USERNAME SECRET API_KEY]
"""
import base64
import hashlib
import hmac
import json
import sys
import time
import urllib.error
import urllib.request
from email.utils import formatdate
from urllib.parse import urlsplit

base_url = sys.argv[1].rstrip("/")
username, secret, api_key = (sys.argv[2:5] if len(sys.argv) >= 5
                             else ("sandbox", "sandbox-secret", "sandbox-api-key"))


def call(path, payload):
    url = f"{base_url}/api/v4{path}"
    body = json.dumps(payload).encode()
    headers = {
        "X-Date": formatdate(usegmt=True),
        "Content-Type": "application/json",
        "Content-SHA512": base64.b64encode(hashlib.sha512(body).digest()).decode(),
        "Content-Length": str(len(body)),
    }
    names = ["request-line", "x-date", "content-type", "content-sha512", "content-length"]
    lines = [f"POST {urlsplit(url).path} HTTP/1.1"]
    lines += [f"{name}: {headers[next(k for k in headers if k.lower() == name)]}" for name in names[1:]]
    signature = base64.b64encode(
        hmac.new(secret.encode(), "\n".join(lines).encode(), hashlib.sha512).digest()).decode()
    headers["Authorization"] = (f'hmac username="{username}", algorithm="hmac-sha512", '
                                f'headers="{" ".join(names)}", signature="{signature}"')
    headers["api_key"] = api_key
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


status, created = call("/user/create", {
    "first_name": "Jane", "last_name": "Doe", "email": "jane.external@example.com",
    "phone_number": "5555550100", "address_one": "100 Main Street", "city": "Anytown",
    "state": "TX", "postal_code": "75001", "country": "US",
})
assert status == 200, (status, created)
user_id = created["data"]["user_id"]

early_status, early = call("/business/routable-bank-accounts/issue", {"user_id": user_id})

status, sent = call("/user/send-verification-request",
                    {"user_id": user_id, "ssn": "123456789", "date_of_birth": "1985-06-15"})
assert status == 200, (status, sent)

deadline = time.time() + 20
while True:
    status, checked = call("/user/check-verification-request", {"user_id": user_id})
    assert status == 200, (status, checked)
    if checked["data"]["kyc_status"] != "in_review" or time.time() > deadline:
        break
    time.sleep(0.1)

status, issued = call("/business/routable-bank-accounts/issue", {"user_id": user_id})
print(json.dumps({
    "user_id": user_id,
    "created_kyc_status": created["data"]["kyc_status"],
    "issue_before_verified": [early_status, early.get("error", {}).get("code")],
    "submitted_kyc_status": sent["data"]["kyc_status"],
    "final_kyc_status": checked["data"]["kyc_status"],
    "issue_status": status,
    "account_id": issued.get("data", {}).get("routable_bank_account_id", ""),
}))
