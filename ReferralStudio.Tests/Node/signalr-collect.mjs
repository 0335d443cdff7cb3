// The official SignalR JavaScript client as a wall-screen board would run it: connects to the live hub and prints
// every attribution it receives until it has seen <count> distinct refs starting with <refPrefix>, or
// <seconds> pass. Usage: node signalr-collect.mjs <hubUrl> <refPrefix> <count> <seconds>, the API key in HUB_KEY.
// Prints {"event":"connected"} once subscribed, then {"event":"attribution","notice":{...}} per broadcast received.
import { HubConnectionBuilder, HttpTransportType, LogLevel } from "@microsoft/signalr";

const [url, refPrefix, countText, secondsText] = process.argv.slice(2);
const wanted = Number(countText);
const print = (value) => process.stdout.write(JSON.stringify(value) + "\n");
const seen = new Set();

const connection = new HubConnectionBuilder()
  .withUrl(url, {
    transport: HttpTransportType.WebSockets,
    accessTokenFactory: () => process.env.HUB_KEY,
    // The client's own log goes to stderr: stdout carries only the JSON lines.
    logger: { log: (level, message) => { if (level >= LogLevel.Information) console.error(`[${LogLevel[level]}] ${message}`); } },
  })
  .build();

const done = new Promise((resolve) => {
  setTimeout(resolve, Number(secondsText) * 1000);
  connection.on("attribution", (notice) => {
    print({ event: "attribution", notice });
    if (notice.ref?.startsWith(refPrefix)) seen.add(notice.ref);
    if (seen.size >= wanted) resolve();
  });
});

await connection.start();
// Answered only once the server has registered the connection for broadcasts.
await connection.invoke("Since", 0);
print({ event: "connected" });
await done;
await connection.stop();
// Ends now (the deadline's timer would keep node running); 3 when the deadline came first.
process.exit(seen.size >= wanted ? 0 : 3);
