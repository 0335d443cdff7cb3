// Runs in every document before the page's own scripts (an init script). Records, on the page's clock
// (performance.now(): 0 is the navigation start), when each readiness marker is first attached and the first
// frame in which a data row is visible. The harness reads window.__rsBench once Playwright has seen the marker.
(() => {
    if (window.__rsBench) return;
    const INTERACTIVE = __INTERACTIVE__; // selectors; attached is enough (the layout's marker is hidden)
    const ROWS = __ROWS__;               // tried in order; the first with a visible, non-empty row wins
    const EMPTY = /empty|no-?records|loading/i;
    const CALENDARS = ".mud-picker, .mud-popover";
    // Told to the harness through the console, which needs nothing injected into the page: Playwright's selector
    // engine, which WaitForSelector injects into every new document, ran on the page's main thread mid-load.
    const READY_INTERACTIVE = __READY_INTERACTIVE__;
    const READY_ROW = __READY_ROW__;
    const probe = { marks: {}, row: null, rowSelector: null, rowInDom: null, frames: 0 };
    // For a load that timed out: what the probe saw.
    probe.describe = () => JSON.stringify({ rowInDom: probe.rowInDom, frames: probe.frames, now: performance.now(), candidates: ROWS.map(s => document.querySelectorAll(s).length) });
    window.__rsBench = probe;

    // Where a load's time goes (--phases): the circuit's socket is timed from here, the rest from the browser's
    // navigation and resource timing.
    const socket = { created: null, open: null, firstMessage: null, messages: 0, bytes: 0 };
    const NativeSocket = window.WebSocket;
    window.WebSocket = function (...args) {
        const ws = new NativeSocket(...args);
        if (socket.created === null) {
            socket.created = performance.now();
            ws.addEventListener("open", () => { socket.open = performance.now(); });
            ws.addEventListener("message", e => {
                if (socket.firstMessage === null) socket.firstMessage = performance.now();
                if (Object.keys(probe.marks).length === 0) {
                    socket.messages++;
                    socket.bytes += e.data.byteLength ?? e.data.length ?? e.data.size ?? 0;
                }
            });
        }
        return ws;
    };
    window.WebSocket.prototype = NativeSocket.prototype;
    Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
    probe.phases = () => {
        const nav = performance.getEntriesByType("navigation")[0];
        const resource = part => performance.getEntriesByType("resource").find(r => r.name.includes(part))?.responseEnd ?? null;
        return {
            firstByte: nav.responseStart, lastByte: nav.responseEnd, domContentLoaded: nav.domContentLoadedEventEnd,
            css: resource("MudBlazor.min.css"), blazorJs: resource("blazor.web.js"), negotiate: resource("_blazor/negotiate"),
            socketCreated: socket.created, socketOpen: socket.open, firstMessage: socket.firstMessage,
            messagesBeforeMark: socket.messages, kilobytesBeforeMark: socket.bytes / 1024,
        };
    };

    function visibleRow() {
        for (const selector of ROWS) {
            for (const el of document.querySelectorAll(selector)) {
                const tr = el.closest("tr") || el;
                // Placeholder rows ("No records", a loading row) are no data; nor are date pickers' calendars (tables too).
                if ([tr.className, el.className, tr.dataset.testid, el.dataset.testid].some(v => v && EMPTY.test(v))) continue;
                if (el.closest(CALENDARS)) continue;
                const box = el.getBoundingClientRect();
                if (box.width > 0 && box.height > 0 && el.checkVisibility({ visibilityProperty: true })) return selector;
            }
        }
        return null;
    }

    function anyRowInDom() {
        return ROWS.some(selector => document.querySelector(selector) !== null);
    }

    let dirty = true;
    let frames = 0;

    // Attachment is timed at the mutation (a microtask after the DOM change), with no layout forced.
    function onMutation() {
        const now = performance.now();
        for (const selector of INTERACTIVE) {
            if (probe.marks[selector] === undefined && document.querySelector(selector)) {
                probe.marks[selector] = now;
                console.debug(READY_INTERACTIVE);
            }
        }
        if (probe.rowInDom === null && anyRowInDom()) probe.rowInDom = now;
        dirty = true;
    }

    // Visibility needs layout: checked once per frame, in requestAnimationFrame (just before that frame paints, and
    // never while rendering is blocked on styles), so the row time is the first frame that shows a row.
    function onFrame() {
        frames++;
        probe.frames = frames;
        if (probe.row === null && probe.rowInDom !== null && (dirty || frames % 10 === 0)) {
            dirty = false;
            const selector = visibleRow();
            if (selector) {
                probe.row = performance.now();
                probe.rowSelector = selector;
                console.debug(READY_ROW);
            }
        }
        const interactiveDone = INTERACTIVE.some(s => probe.marks[s] !== undefined);
        if (probe.row !== null && interactiveDone) {
            observer.disconnect();
            return;
        }
        if (performance.now() < 60000) requestAnimationFrame(onFrame);
        else observer.disconnect();
    }

    const observer = new MutationObserver(onMutation);
    observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-state", "class", "style", "hidden"] });
    requestAnimationFrame(onFrame);
})();
