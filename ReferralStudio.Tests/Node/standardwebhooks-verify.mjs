// Verifies deliveries with the official Standard Webhooks library, as an integrator's receiver would.
// stdin: a JSON array of { secret: "whsec_...", body: "<base64 of the raw body bytes>", headers: { ... } }.
// stdout: one line per item, in order: "ok", or "error: <the library's reason>".
import { Webhook } from "standardwebhooks";

let input = "";
for await (const chunk of process.stdin) input += chunk;

for (const { secret, body, headers } of JSON.parse(input)) {
  try {
    // The raw bytes as received: a re-serialised body would not verify.
    new Webhook(secret).verify(Buffer.from(body, "base64"), headers);
    process.stdout.write("ok\n");
  } catch (error) {
    process.stdout.write(`error: ${error?.message ?? error}\n`);
  }
}
