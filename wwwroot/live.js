// The live board: listens to /hubs/attribution with the official SignalR client (lib/signalr) and keeps the
// server-rendered board current. New rows take the same shape as LiveBoard.razor's; only attributions of the
// board's day (midnight to midnight in data-time-zone) are counted, and at midnight the counts start again.
// The connection state is always on screen: connecting, live, reconnecting, offline (it keeps retrying).
(function () {
    "use strict";
    const board = document.querySelector("[data-live-board]");
    if (!board) return;

    const rows = board.querySelector("[data-testid=live-rows]");
    const counts = board.querySelector("[data-testid=live-counts]");
    const total = board.querySelector("[data-testid=live-total]");
    const status = board.querySelector("[data-testid=live-status]");
    const statusText = status.querySelector(".lb-status-text");
    const emptyRows = board.querySelector("[data-empty-rows]");
    const emptyCounts = board.querySelector("[data-empty-counts]");
    const dayLabel = board.querySelector("[data-day-label]");
    const maxRows = Number(board.dataset.maxRows || 40);
    const zone = board.dataset.timeZone || "UTC";
    let dayStart = Date.parse(board.dataset.dayStart);
    let dayEnd = Date.parse(board.dataset.dayEnd);
    let lastId = Number(board.dataset.lastId || 0);
    const seen = new Set(Array.from(rows.rows).map(row => Number(row.dataset.touchId)));
    const numbers = new Intl.NumberFormat("en-US");
    const platforms = { instagram: "Instagram", messenger: "Messenger", whatsapp: "WhatsApp" };
    const number = text => Number(String(text).replace(/,/g, ""));

    // Times as BoardDay.FormatTime writes them: "14:03:21" today, "5 Dec 14:03" otherwise (fixed month names).
    const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    const clock = new Intl.DateTimeFormat("en-US", {
        timeZone: zone, weekday: "short", year: "numeric", month: "numeric", day: "numeric",
        hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
    });

    function local(ms) {
        const parts = {};
        for (const part of clock.formatToParts(new Date(ms))) parts[part.type] = part.value;
        return parts;
    }

    function formatTime(ms) {
        const p = local(ms);
        if (ms >= dayStart && ms < dayEnd) return p.hour + ":" + p.minute + ":" + p.second;
        const year = p.year === local(dayStart).year ? "" : " " + p.year;
        return Number(p.day) + " " + months[Number(p.month) - 1] + year + " " + p.hour + ":" + p.minute;
    }

    function formatDay(ms) {
        const p = local(ms);
        return p.weekday + " " + Number(p.day) + " " + months[Number(p.month) - 1];
    }

    // The next local midnight: a day later, moved by however much the clocks changed (23 or 25 hour days).
    function nextMidnight(start) {
        let next = start + 86400000;
        const p = local(next);
        const minutes = Number(p.hour) * 60 + Number(p.minute);
        if (minutes !== 0) next += (minutes >= 720 ? 1440 - minutes : -minutes) * 60000;
        return next;
    }

    function cell(className, text) {
        const td = document.createElement("td");
        td.className = className;
        if (text !== undefined && text !== null) td.textContent = text;
        return td;
    }

    // The code (or campaign) with a <wbr> after each "_", "-" or "=", as LiveBoard.razor renders it. Text nodes and elements
    // only, never markup: codes are whatever the person's link carried.
    function wrappable(td, code) {
        code.split(/(?<=[_=-])/).forEach((piece, i) => {
            if (i > 0) td.append(document.createElement("wbr"));
            td.append(piece);
        });
        return td;
    }

    function count(campaign) {
        let row = Array.from(counts.rows).find(r => r.dataset.campaign === campaign);
        if (!row) {
            row = document.createElement("tr");
            row.dataset.campaign = campaign;
            row.append(wrappable(cell("lb-c-campaign"), campaign), cell("lb-c-count", "0"));
            counts.append(row);
        }
        const value = row.cells[1];
        const n = number(value.textContent) + 1;
        value.textContent = numbers.format(n);
        // Keep the biggest campaigns on top.
        let previous = row.previousElementSibling;
        while (previous && number(previous.cells[1].textContent) < n) {
            counts.insertBefore(row, previous);
            previous = row.previousElementSibling;
        }
        total.textContent = numbers.format(number(total.textContent) + 1);
        emptyCounts.hidden = true;
    }

    function add(notice) {
        if (seen.has(notice.touchId)) return;
        seen.add(notice.touchId);
        lastId = Math.max(lastId, notice.touchId);
        const at = Date.parse(notice.occurredAt);
        const refOrAd = notice.ref || (notice.adId ? "ad " + notice.adId : "");
        const row = document.createElement("tr");
        row.className = "lb-new";
        row.setAttribute("data-testid", "live-row");
        row.dataset.touchId = String(notice.touchId);
        row.dataset.occurredAt = notice.occurredAt;
        const time = cell("lb-c-time", formatTime(at));
        time.setAttribute("data-testid", "live-time");
        const note = cell("lb-c-note");
        if (notice.simulated) {
            const badge = document.createElement("span");
            badge.className = "lb-badge";
            badge.textContent = "simulated";
            note.append(badge);
        }
        row.append(
            time,
            cell("lb-c-platform lb-p-" + notice.platform, platforms[notice.platform] || notice.platform),
            wrappable(cell("lb-c-campaign"), notice.campaign),
            wrappable(cell("lb-c-ref"), refOrAd),
            note);
        // Newest first; a gap filled after a reconnect lands where it belongs.
        const before = Array.from(rows.rows).find(r => Number(r.dataset.touchId) < notice.touchId);
        rows.insertBefore(row, before || null);
        while (rows.rows.length > maxRows) rows.lastElementChild.remove();
        emptyRows.hidden = true;
        if (at >= dayStart && at < dayEnd) count(notice.campaign);
    }

    function startNewDayIfDue() {
        const now = Date.now();
        if (now < dayEnd) return;
        while (now >= dayEnd) {
            dayStart = dayEnd;
            dayEnd = nextMidnight(dayStart);
        }
        counts.replaceChildren();
        total.textContent = "0";
        emptyCounts.hidden = false;
        dayLabel.textContent = formatDay(dayStart);
        // Yesterday's rows now carry their date.
        for (const row of rows.rows) row.cells[0].textContent = formatTime(Date.parse(row.dataset.occurredAt));
    }

    setInterval(startNewDayIfDue, 15000);

    // Connection state, in words and colour.
    const labels = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…", offline: "Offline, retrying" };

    function setState(state) {
        status.dataset.state = state;
        statusText.textContent = labels[state];
    }

    if (!window.signalR) {
        setState("offline");
        return;
    }

    // Past this long without a connection the board says it is offline (it keeps trying every 10 s).
    const offlineAfterMs = 30000;
    const delays = [0, 1000, 2000, 5000, 10000];
    const delay = attempt => delays[Math.min(attempt, delays.length - 1)];
    let downSince = null;

    function down() {
        downSince = downSince || Date.now();
        setState(navigator.onLine === false || Date.now() - downSince > offlineAfterMs ? "offline" : "reconnecting");
    }

    // WebSockets only, straight to the hub: a wall screen needs nothing else, and it keeps one request per connection.
    const connection = new signalR.HubConnectionBuilder()
        .withUrl("/hubs/attribution", { transport: signalR.HttpTransportType.WebSockets, skipNegotiation: true })
        .withAutomaticReconnect({
            nextRetryDelayInMilliseconds: context => {
                down();
                return delay(context.previousRetryCount);
            },
        })
        .configureLogging(signalR.LogLevel.None)
        .build();

    connection.on("attribution", add);

    // Whatever arrived while we were away (or since the page was rendered).
    async function catchUp() {
        downSince = null;
        setState("live");
        try {
            const missed = await connection.invoke("Since", lastId);
            (missed || []).forEach(add);
        } catch {
            // The connection dropped again; the next reconnect catches up.
        }
    }

    connection.onreconnecting(down);
    connection.onreconnected(catchUp);

    let starting = false;
    async function start(attempt) {
        if (starting || connection.state !== signalR.HubConnectionState.Disconnected) return;
        starting = true;
        try {
            await connection.start();
            starting = false;
            await catchUp();
        } catch {
            starting = false;
            down();
            setTimeout(() => start(attempt + 1), delay(attempt + 1));
        }
    }

    // Closed for good (the automatic retries never give up, so: the server ended it): start over.
    connection.onclose(() => {
        down();
        setTimeout(() => start(1), delay(1));
    });
    window.addEventListener("offline", () => { if (connection.state !== signalR.HubConnectionState.Connected) setState("offline"); });
    window.addEventListener("online", () => start(0));

    setState("connecting");
    start(0);

    // Full screen (the Fullscreen API; hidden where the browser has none).
    const fullscreen = board.querySelector("[data-board-fullscreen]");
    if (document.fullscreenEnabled && fullscreen) {
        const sync = () => {
            const on = document.fullscreenElement !== null;
            fullscreen.textContent = on ? "Exit full screen" : "Full screen";
            fullscreen.setAttribute("aria-pressed", on ? "true" : "false");
        };
        fullscreen.addEventListener("click", () => {
            const request = document.fullscreenElement ? document.exitFullscreen() : document.documentElement.requestFullscreen({ navigationUI: "hide" });
            request.catch(() => { /* Refused (no user gesture, or a policy): the button stays as it was. */ });
        });
        document.addEventListener("fullscreenchange", sync);
        sync();
        fullscreen.hidden = false;
    }

    // Light or dark, remembered in the same cookie as the dashboard's switch.
    const theme = board.querySelector("[data-board-theme]");
    const shell = board.closest(".lb-shell");
    if (theme && shell) {
        const current = () => shell.dataset.theme || (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
        const sync = () => { theme.textContent = current() === "dark" ? "Light theme" : "Dark theme"; };
        theme.addEventListener("click", () => {
            const next = current() === "dark" ? "light" : "dark";
            shell.dataset.theme = next;
            document.cookie = "ReferralStudio.Theme=" + next + "; path=/; max-age=31536000; samesite=lax";
            document.documentElement.style.colorScheme = next;
            sync();
        });
        sync();
        theme.hidden = false;
    }
})();
