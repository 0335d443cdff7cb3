// Runs in every document before the page's own scripts (an init script). Records, on the page's clock
// (performance.now(): 0 is the navigation start), when each readiness marker is first attached and the first
// frame in which a data row is visible. The harness reads window.__rsBench once Playwright has seen the marker.
(() => {
    if (window.__rsBench) return;
    const INTERACTIVE = __INTERACTIVE__; // selectors; attached is enough (the layout's marker is hidden)
    const ROWS = __ROWS__;               // tried in order; the first with a visible, non-empty row wins
    const EMPTY = /empty|no-?records|loading/i;
    const CALENDARS = ".mud-picker, .mud-popover";
    const probe = { marks: {}, row: null, rowSelector: null, rowInDom: null, frames: 0 };
    // For a load that timed out: what the probe saw.
    probe.describe = () => JSON.stringify({ rowInDom: probe.rowInDom, frames: probe.frames, now: performance.now(), candidates: ROWS.map(s => document.querySelectorAll(s).length) });
    window.__rsBench = probe;

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
            if (probe.marks[selector] === undefined && document.querySelector(selector)) probe.marks[selector] = now;
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
