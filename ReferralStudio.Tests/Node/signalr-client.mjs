// The official SignalR JavaScript client subscribing to the live hub, as an integrator's Node or browser
// code would. Usage: node signalr-client.mjs <hubUrl> <WebSockets|ServerSentEvents|LongPolling> <ref>
// with the API key in HUB_KEY. Prints one JSON line per step on stdout:
//   {"event":"connected","transport":"..."}   connected, handshake done and a hub call answered
//   {"event":"attribution","notice":{...}}    the broadcast whose ref is <ref>; then the script stops
//   {"event":"refused","statusCode":401,...}  start() failed (statusCode parsed from the client's error)
// The client's own log goes to stderr.
import { HubConnectionBuilder, HttpTransportType, LogLevel } from "@microsoft/signalr";

const [url, transportName, expectedRef] = process.argv.slice(2);
const transport = HttpTransportType[transportName];
if (transport === undefined || !expectedRef) {
  console.error("usage: node signalr-client.mjs <hubUrl> <WebSockets|ServerSentEvents|LongPolling> <ref>");
  process.exit(2);
}

// Never hang a test run: a missing broadcast ends the script with a reason.
const deadline = setTimeout(() => {
  console.error("no attribution within 20 s");
  process.exit(3);
}, 20_000);

const print = (value) => process.stdout.write(JSON.stringify(value) + "\n");

const connection = new HubConnectionBuilder()
  .withUrl(url, {
    transport,
    accessTokenFactory: () => process.env.HUB_KEY,
    logger: { log: (level, message) => { if (level >= LogLevel.Debug) console.error(`[${LogLevel[level]}] ${message}`); } },
  })
  .build();

const received = new Promise((resolve) => {
  connection.on("attribution", (notice) => {
    if (notice.ref === expectedRef) resolve(notice);
  });
});

try {
  await connection.start();
} catch (error) {
  // The client reports an HTTP refusal as "...: Status code '401'" (negotiate) or as an HttpError.
  const match = /Status code '(\d+)'/.exec(String(error?.message ?? error));
  print({ event: "refused", statusCode: error?.statusCode ?? (match ? Number(match[1]) : null), errorType: error?.errorType ?? error?.name, message: String(error?.message ?? error) });
  clearTimeout(deadline);
  process.exit(0);
}

// A hub call is answered only once the server has registered the connection for broadcasts: after this,
// nothing the test sends can be missed. The transport is the one the connection actually runs on.
await connection.invoke("Since", 0);
print({ event: "connected", transport: connection.connection.transport?.constructor?.name ?? null });

const notice = await received;
print({ event: "attribution", notice });
clearTimeout(deadline);
await connection.stop();
