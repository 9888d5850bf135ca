"""JavaScript geometry checks of the drawn chain, run in the page (DESIGN.md §6-7: bounding boxes,
quadrilaterals through getScreenCTM for turned text, sampled paths; never pixels).

Each constant is a function of the widget root returning plain data for the test to assert on."""

from __future__ import annotations

# Shared helpers: what is shown, a text's quadrilateral on screen (its ink for turned labels,
# measured with the canvas's actualBoundingBox*), separating-axis distance, points along a path.
_LIB = """
const svg = root.querySelector('svg.bg-graph');
const shown = e => {
    for (let n = e; n && n !== svg; n = n.parentNode) {
        const cs = getComputedStyle(n);
        if (cs.display === 'none' || cs.visibility === 'hidden' || Number(cs.opacity) === 0) return false;
    }
    return true;
};
const tx = (m, x, y) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f];
const ink = (e) => {
    const cs = getComputedStyle(e);
    const c = document.createElement('canvas').getContext('2d');
    c.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const m = c.measureText(e.textContent);
    return [m.actualBoundingBoxAscent, m.actualBoundingBoxDescent, parseFloat(cs.fontSize)];
};
const quad = e => {
    if (!e.getAttribute('transform')) {
        const r = e.getBoundingClientRect();
        return [[r.left, r.top], [r.right, r.top], [r.right, r.bottom], [r.left, r.bottom]];
    }
    // turned text: its ink box (ascent/descent of these glyphs about the baseline), turned with it
    const b = e.getBBox(), m = e.getScreenCTM();
    const [asc, desc, font] = ink(e);
    const base = parseFloat(e.getAttribute('y')) + 0.35 * font;  // dy = 0.35em
    return [[b.x, base - asc], [b.x + b.width, base - asc], [b.x + b.width, base + desc], [b.x, base + desc]]
        .map(([x, y]) => tx(m, x, y));
};
const screenFont = e => { const m = e.getScreenCTM(); return parseFloat(getComputedStyle(e).fontSize) * Math.hypot(m.a, m.b); };
const centre = q => [q.reduce((s, p) => s + p[0], 0) / q.length, q.reduce((s, p) => s + p[1], 0) / q.length];
const separation = (p, q) => {  // a lower bound of the distance (<= 0: they overlap)
    let best = -Infinity;
    for (const poly of [p, q]) for (let i = 0; i < poly.length; i++) {
        const [x0, y0] = poly[i], [x1, y1] = poly[(i + 1) % poly.length];
        const len = Math.hypot(x1 - x0, y1 - y0) || 1, nx = (y0 - y1) / len, ny = (x1 - x0) / len;
        const a = p.map(([x, y]) => x * nx + y * ny), c = q.map(([x, y]) => x * nx + y * ny);
        best = Math.max(best, Math.min(...c) - Math.max(...a), Math.min(...a) - Math.max(...c));
    }
    return best;
};
const pathPoints = (p, step = 2) => {
    const L = p.getTotalLength(), m = p.getScreenCTM(), out = [];
    for (let s = 0; s <= L; s += step) { const q = p.getPointAtLength(s); out.push(tx(m, q.x, q.y)); }
    return out;
};
const nodes = [...svg.querySelectorAll('g.bg-node')].map(g => {
    const r = g.querySelector('circle').getBoundingClientRect();
    return { state: g.dataset.state, x: r.x + r.width / 2, y: r.y + r.height / 2, r: r.width / 2, g };
});
const edgeLines = [...svg.querySelectorAll('g.bg-edge-line')].filter(shown).map(g => ({
    key: `${g.dataset.from}|${g.dataset.token}`, path: g.querySelector('path.bg-edge-path'), g }));
"""

# State labels nearest their own node and a quarter em apart (from each other and from edge
# labels); edge labels touching their own edge, with (crowded chains) no other edge through them;
# every edge at least ~1.4 px wide on screen.
LABELS_JS = "root => {" + _LIB + """
    const states = [...svg.querySelectorAll('g.bg-node')].map(g => {
        const t = g.querySelector('text.bg-node-label');
        return { state: g.dataset.state, t, q: quad(t), font: screenFont(t), on: shown(t) && t.textContent.trim() !== '' };
    }).filter(s => s.on);
    const edges = [...svg.querySelectorAll('g.bg-edge')].filter(shown).map(g => {
        const t = g.querySelector('text.bg-edge-label');
        return { key: `${g.dataset.from}|${g.dataset.token}`, text: t.textContent, q: quad(t), font: screenFont(t), r: t.getBoundingClientRect() };
    });
    const labels = [...states.map(s => ({ ...s, kind: 'state' })), ...edges.map(e => ({ ...e, kind: 'edge' }))];
    const close = [];
    for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) {
        const d = separation(labels[i].q, labels[j].q), need = 0.25 * Math.min(labels[i].font, labels[j].font) - 0.5;
        if (d < need) close.push(`${labels[i].kind} ${labels[i].state || labels[i].text} / ${labels[j].kind} ${labels[j].state || labels[j].text}: ${d.toFixed(1)} < ${need.toFixed(1)} px`);
    }
    const stray = [];
    const inside = root.querySelector('svg.bg-graph g.bg-node text.bg-node-label:not(.bg-outside)') !== null;
    if (!inside) for (const s of states) {
        const [cx, cy] = centre(s.q);
        let best = null, bd = Infinity;
        for (const n of nodes) { const d = Math.hypot(n.x - cx, n.y - cy); if (d < bd) [best, bd] = [n.state, d]; }
        if (best !== s.state) stray.push(`${s.state} is nearest ${best}`);
    }
    const lines = new Map(edgeLines.map(e => [e.key, pathPoints(e.path)]));
    const within = (p, r, grow) => p[0] >= r.left - grow && p[0] <= r.right + grow && p[1] >= r.top - grow && p[1] <= r.bottom + grow;
    const off = [], crossed = [];
    for (const e of edges) {
        const own = lines.get(e.key) || [];
        if (!own.some(p => within(p, e.r, 1.5))) off.push(`${e.key} ${e.text}`);
        for (const [k, pts] of lines) if (k !== e.key && pts.some(p => within(p, e.r, -1))) { crossed.push(`${e.key} ${e.text} x ${k}`); break; }
    }
    const thin = edgeLines.map(e => { const m = e.path.getScreenCTM();
        return { key: e.key, px: parseFloat(e.path.getAttribute('stroke-width')) * Math.hypot(m.a, m.b) }; })
        .filter(w => w.px < 1.35).map(w => `${w.key}: ${w.px.toFixed(2)} px`);
    return { states: states.length, nodes: nodes.length, edges: edges.length, close, stray, off, crossed, thin,
             minFont: Math.min(...labels.map(l => l.font)) };
}"""

# The focus view: nodes apart, no edge over a node it does not touch, no two edges along each
# other (a stretch longer than a node radius within 0.15 node radius, i.e. closer than their own
# strokes are wide, away from the nodes both touch), no label over a node, and the toolbar on
# one row.
FOCUS_JS = "root => {" + _LIB + """
    const bad = [];
    for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) {
        const a = nodes[i], b = nodes[j];
        if (Math.hypot(a.x - b.x, a.y - b.y) < a.r + b.r + 2) bad.push(`nodes ${a.state} and ${b.state} overlap`);
    }
    const edges = edgeLines.map(e => ({ ...e, from: e.g.dataset.from, to: e.g.dataset.to, pts: pathPoints(e.path, 2) }));
    for (const e of edges) for (const n of nodes) {
        if (n.state === e.from || n.state === e.to) continue;
        const d = Math.min(...e.pts.map(p => Math.hypot(p[0] - n.x, p[1] - n.y)));
        if (d < n.r + 1) bad.push(`edge ${e.key}->${e.to} runs over node ${n.state} (${d.toFixed(1)} px from its centre)`);
    }
    const byState = new Map(nodes.map(n => [n.state, n]));
    const R = nodes[0] ? nodes[0].r : 10, near = 0.15 * R;
    const toLine = (pts, p) => {  // distance from p to the polyline through pts
        let best = Infinity;
        for (let k = 1; k < pts.length; k++) {
            const [a, b] = [pts[k - 1], pts[k]], dx = b[0] - a[0], dy = b[1] - a[1];
            const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy || 1)));
            best = Math.min(best, Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy));
        }
        return best;
    };
    for (const e of edges) for (const f of edges) {
        if (e === f) continue;
        const shared = [e.from, e.to].filter(s => s === f.from || s === f.to).map(s => byState.get(s));
        let run = 0, longest = 0;
        for (let k = 1; k < e.pts.length; k++) {
            const p = e.pts[k], q = e.pts[k - 1];
            const nearShared = shared.some(n => Math.hypot(p[0] - n.x, p[1] - n.y) < 2 * n.r);
            const closeTo = !nearShared && toLine(f.pts, p) < near;
            run = closeTo ? run + Math.hypot(p[0] - q[0], p[1] - q[1]) : 0;  // the length of the stretch
            longest = Math.max(longest, run);
        }
        if (longest > R) bad.push(`edge ${e.key}->${e.to} runs along ${f.key}->${f.to} for ${longest.toFixed(0)} px`);
    }
    const covered = [];
    for (const t of svg.querySelectorAll('text.bg-node-label, text.bg-edge-label')) {
        if (!shown(t) || !t.textContent.trim()) continue;
        const q = quad(t);
        for (const n of nodes) {
            if (t.closest('g.bg-node') === n.g) continue;  // a state's own name inside its node
            const box = [[n.x - n.r, n.y - n.r], [n.x + n.r, n.y - n.r], [n.x + n.r, n.y + n.r], [n.x - n.r, n.y + n.r]];
            if (separation(q, box) < -1) covered.push(`${t.textContent} over ${n.state}`);
        }
    }
    const hits = nodes.filter(n => { const e = document.elementFromPoint(n.x, n.y); return !e || e.closest('g.bg-node') !== n.g; })
        .map(n => n.state);
    const bar = root.querySelector('.bg-drawing-toolbar');
    const kids = [...bar.children].filter(e => e.offsetParent !== null && e.getBoundingClientRect().width > 0);
    const tops = kids.map(e => e.getBoundingClientRect().top), bottoms = kids.map(e => e.getBoundingClientRect().bottom);
    return { nodes: nodes.map(n => n.state), bad, covered, hidden: hits,
             toolbarRows: Math.max(...tops) - Math.min(...tops) > Math.max(...bottoms.map((b, i) => b - tops[i])) / 2 ? 2 : 1,
             toolbarKids: kids.length };
}"""

# Every text in an element, with its computed size (px): nothing below the large view's floor.
TEXT_SIZES_JS = """el => {
    const out = [];
    const walk = n => {
        for (const c of n.childNodes) {
            if (c.nodeType === 3 && c.textContent.trim()) {
                const e = c.parentElement;
                if (e.offsetParent === null && getComputedStyle(e).position !== 'fixed') continue;
                out.push({ text: c.textContent.trim().slice(0, 24), px: parseFloat(getComputedStyle(e).fontSize), tag: e.tagName });
            } else if (c.nodeType === 1) walk(c);
        }
    };
    walk(el);
    return out;
}"""
