// The live board's connection to /hubs/attribution: SignalR's JSON hub protocol over a WebSocket,
// written out here (a few dozen lines) instead of shipping the SignalR client library.
(function () {
    const board = document.querySelector("[data-live-board]");
    if (!board) return;
    const RS = "\x1e";
    const rows = board.querySelector("[data-testid=live-rows]");
    const countsList = board.querySelector("[data-testid=live-counts]");
    const total = board.querySelector("[data-testid=live-total]");
    const status = board.querySelector("[data-testid=live-status]");
    const maxRows = Number(board.dataset.maxRows || 40);
    let lastId = Number(board.dataset.lastId || 0);
    const seen = new Set(Array.from(rows.querySelectorAll("[data-touch-id]")).map(li => Number(li.dataset.touchId)));
    let retry = 0;

    function setStatus(state, text) {
        status.dataset.state = state;
        status.textContent = text;
    }

    function el(tag, className, text) {
        const node = document.createElement(tag);
        if (className) node.className = className;
        if (text !== undefined && text !== null) node.textContent = text;
        return node;
    }

    function time(iso) {
        const d = new Date(iso);
        return d.toISOString().substring(11, 19);
    }

    function count(campaign) {
        let item = Array.from(countsList.children).find(li => li.dataset.campaign === campaign);
        if (!item) {
            item = el("li");
            item.dataset.campaign = campaign;
            item.append(el("span", "rs-board-campaign", campaign), el("span", "rs-board-count", "0"));
            countsList.append(item);
        }
        const value = item.querySelector(".rs-board-count");
        value.textContent = String(Number(value.textContent) + 1);
        // Keep the biggest campaigns on top.
        let previous = item.previousElementSibling;
        while (previous && Number(previous.querySelector(".rs-board-count").textContent) < Number(value.textContent)) {
            countsList.insertBefore(item, previous);
            previous = item.previousElementSibling;
        }
        total.textContent = String(Number(total.textContent) + 1);
    }

    function add(notice) {
        if (seen.has(notice.touchId)) return;
        seen.add(notice.touchId);
        lastId = Math.max(lastId, notice.touchId);
        const li = el("li", notice.simulated ? "rs-board-simulated rs-board-new" : "rs-board-new");
        li.dataset.testid = "live-row";
        li.setAttribute("data-testid", "live-row");
        li.dataset.touchId = String(notice.touchId);
        li.append(
            el("span", "rs-board-time", time(notice.occurredAt)),
            el("span", "rs-board-platform rs-board-" + notice.platform, notice.platform),
            el("span", "rs-board-campaign", notice.campaign),
            el("span", "rs-board-ref", notice.ref || notice.adId),
            el("span", "rs-board-arrival", (notice.arrival || "").replace("_", " ")));
        if (notice.simulated) li.append(el("span", "rs-board-badge", "simulated"));
        rows.prepend(li);
        while (rows.children.length > maxRows) rows.lastElementChild.remove();
        count(notice.campaign);
    }

    function connect() {
        setStatus("connecting", "connecting…");
        const socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/hubs/attribution");
        let buffer = "";
        let ready = false;
        let ping;
        let invocation = 0;
        const pending = new Map();

        function send(message) { socket.send(JSON.stringify(message) + RS); }

        function invoke(target, args) {
            const id = String(++invocation);
            return new Promise(resolve => {
                pending.set(id, resolve);
                send({ type: 1, invocationId: id, target: target, arguments: args });
            });
        }

        socket.onopen = () => send({ protocol: "json", version: 1 });
        socket.onmessage = event => {
            buffer += event.data;
            let end;
            while ((end = buffer.indexOf(RS)) >= 0) {
                const message = JSON.parse(buffer.substring(0, end));
                buffer = buffer.substring(end + 1);
                if (!ready) {
                    if (message.error) { socket.close(); return; }
                    ready = true;
                    retry = 0;
                    ping = setInterval(() => send({ type: 6 }), 10000);
                    setStatus("live", "live");
                    // Whatever arrived while we were away (or since the page was rendered).
                    invoke("Since", [lastId]).then(missed => (missed || []).forEach(add));
                } else if (message.type === 1 && message.target === "attribution") {
                    add(message.arguments[0]);
                } else if (message.type === 3 && pending.has(message.invocationId)) {
                    pending.get(message.invocationId)(message.result);
                    pending.delete(message.invocationId);
                } else if (message.type === 7) {
                    socket.close();
                }
            }
        };
        socket.onclose = () => {
            clearInterval(ping);
            retry++;
            const delay = Math.min(10000, 500 * Math.pow(2, retry));
            setStatus("reconnecting", "reconnecting…");
            setTimeout(connect, delay);
        };
    }

    connect();
})();
