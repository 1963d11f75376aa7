// The graph page: reads the model from the page's JSON block, groups its
// nodes into a tree of directories, and draws the visible part (open
// groups show their members, closed ones one box) as SVG with a layered
// layout computed here, since every expand or collapse changes the graph.
// Data only ever reaches the DOM through textContent and attributes.
(function () {
	"use strict";

	var LIMIT = 60; // visible boxes the first view opens groups up to
	var SVGNS = "http://www.w3.org/2000/svg";
	var CHAR = 7.2, ROW = 30, BOXH = 20, COLGAP = 90, DUMMYH = 6, MAXDUMMIES = 20000;

	var data = JSON.parse(document.getElementById("graph-data").textContent);
	var nodes = data.nodes || [], edges = data.edges || [];
	var byId = new Map();
	nodes.forEach(function (n) { byId.set(n.id, n); n.ins = []; n.outs = []; });
	edges.forEach(function (e) {
		var f = byId.get(e.from), t = byId.get(e.to);
		if (f) f.outs.push(e);
		if (t) t.ins.push(e);
	});

	// The tree: a category (working set, dependencies, standard library),
	// the module where the working set has several, then the directories
	// of each node's group.
	var CATS = [["ws", "working set"], ["dep", "dependencies"], ["std", "standard library"]];
	function catOf(n) { return n.kind === "dep" ? "dep" : n.kind === "std" ? "std" : "ws"; }
	var wsModules = new Set();
	nodes.forEach(function (n) { if (catOf(n) === "ws" && n.module) wsModules.add(n.module); });

	var groups = new Map(); // key -> group
	function group(key, label, parent) {
		var g = groups.get(key);
		if (!g) {
			g = {key: key, label: label, parent: parent, kids: [], leaves: [], count: 0, cycle: false, open: false};
			groups.set(key, g);
			if (parent) parent.kids.push(g);
		}
		return g;
	}
	var roots = [];
	CATS.forEach(function (c) {
		if (nodes.some(function (n) { return catOf(n) === c[0]; })) roots.push(group("c:" + c[0], c[1], null));
	});
	nodes.forEach(function (n) {
		var c = catOf(n), g = groups.get("c:" + c), key = g.key;
		var segs = [];
		if (c === "ws" && wsModules.size > 1 && n.module) segs.push(n.module);
		(n.group || "").split("/").forEach(function (s) { if (s) segs.push(s); });
		segs.forEach(function (s) { key += "/" + s; g = group(key, s, g); });
		g.leaves.push(n);
		n.parent = g;
	});
	// Merge directories that hold nothing but one directory ("github.com"
	// and "github.com/prometheus" become one step), then count.
	function compress(g) {
		g.kids.forEach(compress);
		if (g.parent && g.parent.parent && g.leaves.length === 0 && g.kids.length === 1) {
			var k = g.kids[0];
			k.label = g.label + "/" + k.label;
			k.parent = g.parent;
			g.parent.kids[g.parent.kids.indexOf(g)] = k;
			groups.delete(g.key);
		}
	}
	function tally(g) {
		g.kids.sort(function (a, b) { return a.key < b.key ? -1 : a.key > b.key ? 1 : 0; });
		g.count = g.leaves.length;
		g.cycle = g.leaves.some(function (n) { return n.cycle; });
		g.kids.forEach(function (k) { tally(k); g.count += k.count; g.cycle = g.cycle || k.cycle; });
	}
	roots.forEach(function (r) { compress(r); tally(r); });

	// short keeps the end of a long label, the part that tells boxes apart.
	function short(s) { return s.length <= 44 ? s : "\u2026" + s.slice(s.length - 43); }

	// A group of one node shows the node itself.
	function isOpen(g) { return g.open || g.count === 1; }
	// path is a group's directory below its category, or the category's name.
	function path(g) {
		if (!g.parent) return g.label;
		var p = [];
		for (; g.parent; g = g.parent) p.unshift(g.label);
		return p.join("/");
	}

	// The first view: open the working set's directories breadth first,
	// then the dependencies', then the standard library's, while the
	// number of boxes stays within LIMIT.
	(function () {
		var shown = roots.length;
		roots.filter(function (r) { return r.key !== "c:std" || nodes.length <= LIMIT; }).forEach(function (r) {
			var queue = [r];
			for (var i = 0; i < queue.length; i++) {
				var g = queue[i];
				if (g.count === 1) continue;
				var more = g.kids.length + g.leaves.length - 1;
				if (shown + more > LIMIT) continue;
				g.open = true;
				shown += more;
				queue = queue.concat(g.kids);
			}
		});
	})();

	// The standard library, imported by nearly everything, is hidden at
	// first in a large graph; imports that only tests make are shown.
	var showStd = document.getElementById("show-std"), showTest = document.getElementById("show-test");
	showStd.checked = nodes.length <= LIMIT;
	showStd.addEventListener("change", function () { render(); fit(true); });
	showTest.addEventListener("change", function () { render(); });

	// The visible graph: each node is drawn as itself or as its nearest
	// closed group; edges between boxes are aggregated with their counts.
	var rep = new Map(); // node id -> box
	var boxes = [];
	function shown(g) { return g.key !== "c:std" || showStd.checked; }
	function visible() {
		rep.clear();
		boxes = [];
		function walk(g) {
			if (!isOpen(g)) {
				var box = {id: "g:" + g.key, group: g, label: short(path(g)) + (g.parent ? "/" : "") + " \u25B8 " + g.count, cycle: g.cycle};
				boxes.push(box);
				(function all(h) { h.leaves.forEach(function (n) { rep.set(n.id, box); }); h.kids.forEach(all); })(g);
				return;
			}
			g.leaves.forEach(function (n) {
				var box = {id: n.id, node: n, label: short(n.label || n.id), cycle: !!n.cycle};
				boxes.push(box);
				rep.set(n.id, box);
			});
			g.kids.forEach(walk);
		}
		roots.filter(shown).forEach(walk);
		var agg = new Map(), links = [];
		edges.forEach(function (e) {
			var a = rep.get(e.from), b = rep.get(e.to);
			if (!a || !b || a === b || (e.test && !showTest.checked)) return;
			var k = a.id + "\u0000" + b.id, l = agg.get(k);
			if (!l) {
				l = {from: a, to: b, count: 0, cycle: false, test: true, edges: []};
				agg.set(k, l);
				links.push(l);
			}
			l.count += e.count || 1;
			l.cycle = l.cycle || !!e.cycle;
			l.test = l.test && !!e.test;
			l.edges.push(e);
		});
		return links;
	}

	// Layered layout, left to right: importers left of what they import.
	// Cycles are broken by depth-first search, layers are longest paths,
	// edges over several layers get dummy points, and a few barycentre
	// sweeps order each layer to reduce crossings.
	function layout(links) {
		var idx = new Map();
		boxes.forEach(function (b, i) { idx.set(b, i); b.out = []; b.in = []; b.w = Math.max(40, b.label.length * CHAR + 16); });
		links.forEach(function (l) { l.from.out.push(l); });
		var state = new Array(boxes.length).fill(0);
		links.forEach(function (l) { l.rev = false; });
		boxes.forEach(function (b) {
			if (state[idx.get(b)]) return;
			var stack = [[b, 0]];
			state[idx.get(b)] = 1;
			while (stack.length) {
				var top = stack[stack.length - 1], v = top[0];
				if (top[1] < v.out.length) {
					var l = v.out[top[1]++], w = l.to, s = state[idx.get(w)];
					if (s === 1) l.rev = true;
					else if (s === 0) { state[idx.get(w)] = 1; stack.push([w, 0]); }
				} else {
					state[idx.get(v)] = 2;
					stack.pop();
				}
			}
		});
		var succ = boxes.map(function () { return []; }), indeg = new Array(boxes.length).fill(0);
		links.forEach(function (l) {
			var a = l.rev ? l.to : l.from, b = l.rev ? l.from : l.to;
			l.a = a; l.b = b;
			succ[idx.get(a)].push(b);
			indeg[idx.get(b)]++;
		});
		var layer = new Array(boxes.length).fill(0), queue = [];
		indeg.forEach(function (d, i) { if (!d) queue.push(i); });
		for (var q = 0; q < queue.length; q++) {
			var i = queue[q];
			succ[i].forEach(function (b) {
				var j = idx.get(b);
				layer[j] = Math.max(layer[j], layer[i] + 1);
				if (--indeg[j] === 0) queue.push(j);
			});
		}
		var L = 0;
		boxes.forEach(function (b, i) { b.layer = layer[i]; L = Math.max(L, b.layer + 1); });
		var layers = [];
		for (var k = 0; k < L; k++) layers.push([]);
		boxes.forEach(function (b) { layers[b.layer].push(b); });
		// Dummy points for long edges, unless there would be too many.
		var span = 0;
		links.forEach(function (l) { span += l.b.layer - l.a.layer - 1; });
		// Long edges to the same box share their dummy points, so that the
		// imports of a much imported box join in one trunk.
		var useDummies = span <= MAXDUMMIES;
		var items = boxes.slice(), trunk = new Map(), step = new Set();
		links.forEach(function (l) {
			l.chain = [l.a];
			if (useDummies) {
				for (var y = l.a.layer + 1; y < l.b.layer; y++) {
					var key = idx.get(l.b) + "@" + y, d = trunk.get(key);
					if (!d) {
						d = {dummy: true, layer: y, w: 0, label: "", id: key};
						trunk.set(key, d);
						layers[y].push(d);
						items.push(d);
					}
					l.chain.push(d);
				}
			}
			l.chain.push(l.b);
		});
		items.forEach(function (it) { it.up = []; it.down = []; });
		links.forEach(function (l) {
			for (var c = 1; c < l.chain.length; c++) {
				var u = l.chain[c - 1], v = l.chain[c];
				if (u.dummy && v.dummy) {
					if (step.has(u.id)) continue;
					step.add(u.id);
				}
				u.down.push(v);
				v.up.push(u);
			}
		});
		function number(ls) { ls.forEach(function (it, p) { it.pos = p; }); }
		layers.forEach(number);
		function sweep(down) {
			var order = down ? layers.map(function (_, i) { return i; }) : layers.map(function (_, i) { return L - 1 - i; });
			order.forEach(function (li) {
				var ls = layers[li];
				ls.forEach(function (it) {
					var nb = down ? it.up : it.down;
					if (!nb.length) { it.bc = it.pos; return; }
					var s = 0;
					nb.forEach(function (o) { s += o.pos; });
					it.bc = s / nb.length;
				});
				ls.sort(function (a, b) { return a.bc - b.bc || a.pos - b.pos; });
				number(ls);
			});
		}
		for (var it = 0; it < 4; it++) { sweep(true); sweep(false); }
		// Coordinates: columns as wide as their widest box, each layer
		// centred on the tallest.
		var x = 0, height = 0;
		layers.forEach(function (ls) {
			var w = 0, h = 0;
			ls.forEach(function (it) { w = Math.max(w, it.w); h += it.dummy ? DUMMYH : ROW; });
			ls.x = x; ls.w = w; ls.h = h;
			x += w + COLGAP;
			height = Math.max(height, h);
		});
		layers.forEach(function (ls) {
			var y = (height - ls.h) / 2;
			ls.forEach(function (it) {
				var h = it.dummy ? DUMMYH : ROW;
				it.x = ls.x;
				it.y = y + h / 2;
				y += h;
			});
		});
		return {width: Math.max(x - COLGAP, 1), height: Math.max(height, 1)};
	}

	// Drawing.
	var svg = document.getElementById("canvas");
	var vp = document.getElementById("viewport");
	var view = {k: 1, x: 0, y: 0};
	var links = [], size = {width: 1, height: 1}, selected = null;
	function el(name, attrs, parent) {
		var e = document.createElementNS(SVGNS, name);
		for (var a in attrs) e.setAttribute(a, attrs[a]);
		if (parent) parent.appendChild(e);
		return e;
	}
	function apply() { vp.setAttribute("transform", "translate(" + view.x + "," + view.y + ") scale(" + view.k + ")"); }
	// fit shows the whole graph; with readable, the first view, it zooms
	// no further out than text stays legible, showing the left (the
	// importers) of a graph too wide for the window.
	function fit(readable) {
		var r = svg.getBoundingClientRect();
		view.k = Math.min(1.5, Math.max(0.02, Math.min(r.width / (size.width + 40), r.height / (size.height + 40))));
		if (readable === true && view.k < 0.6) view.k = 0.6;
		view.x = Math.max(20, (r.width - size.width * view.k) / 2);
		view.y = (r.height - size.height * view.k) / 2;
		apply();
	}
	function centre(box) {
		var r = svg.getBoundingClientRect();
		if (view.k < 0.6) view.k = 1;
		view.x = r.width / 2 - (box.x + box.w / 2) * view.k;
		view.y = r.height / 2 - box.y * view.k;
		apply();
	}
	function curve(l) {
		var pts = l.chain.map(function (it) { return [it.x, it.y, it]; });
		if (l.rev) pts.reverse();
		var d = "", p0 = pts[0], first = true;
		for (var i = 1; i < pts.length; i++) {
			var p1 = pts[i];
			var ax = p0[0] + (p1[0] >= p0[0] ? p0[2].w : 0), bx = p1[0] + (p1[0] >= p0[0] ? 0 : p1[2].w);
			if (p0[2].dummy) ax = p0[0];
			if (p1[2].dummy) bx = p1[0];
			var dx = Math.max(20, Math.abs(bx - ax) / 2) * (bx >= ax ? 1 : -1);
			if (first) { d += "M" + ax + "," + p0[1]; first = false; }
			d += "C" + (ax + dx) + "," + p0[1] + " " + (bx - dx) + "," + p1[1] + " " + bx + "," + p1[1];
			p0 = p1;
		}
		return d;
	}
	function render() {
		links = visible();
		size = layout(links);
		while (vp.firstChild) vp.removeChild(vp.firstChild);
		var eg = el("g", {"class": "edges"}, vp), ng = el("g", {"class": "nodes"}, vp);
		links.forEach(function (l) {
			var cls = "edge" + (l.cycle ? " cycle" : "") + (l.test ? " test" : "");
			var p = el("path", {"class": cls, d: curve(l), "stroke-width": String(Math.min(6, 1 + Math.log(l.count) / Math.LN2 / 2)), "marker-end": l.cycle ? "url(#arrow-cycle)" : "url(#arrow)"}, eg);
			p.__link = l;
			l.el = p;
			var t = el("title", {}, p);
			t.textContent = l.from.label + " \u2192 " + l.to.label + " (" + l.count + ")";
		});
		boxes.forEach(function (b) {
			var cls = "node " + (b.group ? "group" : "kind-" + b.node.kind) + (b.cycle ? " cycle" : "");
			var g = el("g", {"class": cls, "data-id": b.id, transform: "translate(" + b.x + "," + (b.y - BOXH / 2) + ")"}, ng);
			el("rect", {width: b.w, height: BOXH, rx: b.group ? 2 : 6}, g);
			var t = el("text", {x: 8, y: BOXH / 2 + 4}, g);
			t.textContent = b.label;
			var tip = el("title", {}, g);
			tip.textContent = b.group ? path(b.group) + ": " + b.group.count + " nodes, click to open" : b.node.id;
			g.__box = b;
			b.el = g;
		});
		markSearch();
		markSelected();
		renderTree();
		document.getElementById("status").textContent = boxes.length + " boxes, " + links.length + " edges shown of " + nodes.length + " nodes, " + edges.length + " edges";
	}

	// Expanding and collapsing.
	function reveal(n) {
		if (catOf(n) === "std") showStd.checked = true;
		for (var g = n.parent; g; g = g.parent) g.open = true;
	}
	function expand(g) {
		g.open = true;
		render();
		var item = tree.querySelector('button.toggle[data-key="' + CSS.escape(g.key) + '"]');
		if (item) item.scrollIntoView({block: "nearest"});
		var first = null;
		boxes.forEach(function (b) { if (!first && within(b, g)) first = b; });
		if (first) centre(first);
	}
	function collapse(g) {
		g.open = false;
		render();
		var b = boxes.find(function (b) { return b.group === g; });
		if (b) centre(b);
	}
	function within(b, g) {
		for (var h = b.group || b.node.parent; h; h = h.parent) if (h === g) return true;
		return false;
	}

	// Interaction: drag to pan, wheel to zoom, click a group to expand it
	// and a node to show its references.
	var drag = null, moved = false;
	svg.addEventListener("mousedown", function (ev) { drag = {x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y}; moved = false; });
	window.addEventListener("mousemove", function (ev) {
		if (!drag) return;
		if (Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) > 3) moved = true;
		if (moved) { view.x = drag.vx + ev.clientX - drag.x; view.y = drag.vy + ev.clientY - drag.y; apply(); }
	});
	window.addEventListener("mouseup", function () { drag = null; });
	svg.addEventListener("wheel", function (ev) {
		ev.preventDefault();
		var r = svg.getBoundingClientRect();
		zoom(Math.exp(-ev.deltaY * 0.0015), ev.clientX - r.left, ev.clientY - r.top);
	}, {passive: false});
	function zoom(f, cx, cy) {
		var k = Math.min(8, Math.max(0.02, view.k * f));
		view.x = cx - (cx - view.x) * k / view.k;
		view.y = cy - (cy - view.y) * k / view.k;
		view.k = k;
		apply();
	}
	function zoomButton(f) { var r = svg.getBoundingClientRect(); zoom(f, r.width / 2, r.height / 2); }
	document.getElementById("zoom-in").addEventListener("click", function () { zoomButton(1.25); });
	document.getElementById("zoom-out").addEventListener("click", function () { zoomButton(0.8); });
	document.getElementById("zoom-fit").addEventListener("click", function () { fit(false); });
	svg.addEventListener("click", function (ev) {
		if (moved) return;
		var t = ev.target.closest ? ev.target.closest("g.node") : null;
		if (!t || !t.__box) return;
		var b = t.__box;
		if (b.group) expand(b.group);
		else select(b.node, false);
	});

	// The side panel.
	var panel = document.getElementById("details");
	function h(tag, text, cls, parent) {
		var e = document.createElement(tag);
		if (text != null) e.textContent = text;
		if (cls) e.className = cls;
		if (parent) parent.appendChild(e);
		return e;
	}
	function site(s) {
		return (s.module ? s.module + ": " : "") + s.file + ":" + s.line + ":" + s.col + (s.kind ? " (" + s.kind + ")" : "");
	}
	function select(n, move) {
		selected = n;
		if (move) { reveal(n); render(); }
		markSelected();
		var b = rep.get(n.id);
		if (move && b) centre(b);
		while (panel.firstChild) panel.removeChild(panel.firstChild);
		h("h2", n.label || n.id, null, panel);
		h("div", n.id, "id", panel);
		var meta = h("div", null, "meta", panel);
		h("span", n.kind, "tag kind-" + n.kind, meta);
		if (n.cycle) h("span", "on an import cycle", "tag cycle", meta);
		if (n.module) h("span", n.module, "tag", meta);
		(n.notes || []).forEach(function (s) { h("span", s, "tag", meta); });
		if (n.parent && n.parent.parent) {
			var up = n.parent;
			while (up.parent && up.count === 1) up = up.parent;
			var c = h("button", "close " + path(up) + (up.parent ? "/" : ""), "collapse", panel);
			c.addEventListener("click", function () { collapse(up); });
		}
		var refs = n.refs || [];
		h("h3", "References (" + refs.length + ")", null, panel);
		var ul = h("ul", null, "refs", panel);
		refs.forEach(function (s) { h("li", site(s), null, ul); });
		list("Imports (" + n.outs.length + ")", n.outs, true);
		list("Imported by (" + n.ins.length + ")", n.ins, false);
	}
	function list(title, es, out) {
		h("h3", title, null, panel);
		var ul = h("ul", null, "edges", panel);
		es.forEach(function (e) {
			var other = byId.get(out ? e.to : e.from);
			var li = h("li", null, e.cycle ? "cycle" : null, ul);
			var a = h("button", other ? other.label || other.id : out ? e.to : e.from, "link", li);
			if (other) a.addEventListener("click", function () { select(other, true); });
			var flags = [];
			if (e.platforms && e.platforms.length) flags.push(e.platforms.join(", "));
			if (e.test) flags.push("test only");
			if (e.cycle) flags.push("cycle");
			if (flags.length) h("span", " " + flags.join("; "), "flags", li);
			var sul = h("ul", null, "sites", li);
			(e.sites || []).forEach(function (s) { h("li", site(s), null, sul); });
		});
	}
	function markSelected() {
		boxes.forEach(function (b) { b.el && b.el.classList.toggle("selected", !!selected && b.node === selected); });
		var sb = selected ? rep.get(selected.id) : null;
		links.forEach(function (l) { l.el && l.el.classList.toggle("hl", !!sb && (l.from === sb || l.to === sb)); });
	}

	// Search: matching nodes are highlighted, and groups holding one;
	// Enter or a click on a result reveals the node and centres on it.
	var search = document.getElementById("search"), results = document.getElementById("results");
	var matches = [];
	function markSearch() {
		var q = search.value.trim().toLowerCase();
		matches = [];
		var hit = new Set();
		if (q) nodes.forEach(function (n) {
			if (n.id.toLowerCase().indexOf(q) >= 0 || (n.label || "").toLowerCase().indexOf(q) >= 0) {
				matches.push(n);
				var b = rep.get(n.id);
				if (b) hit.add(b);
			}
		});
		boxes.forEach(function (b) { b.el && b.el.classList.toggle("match", hit.has(b)); });
		while (results.firstChild) results.removeChild(results.firstChild);
		if (!q) return;
		h("div", matches.length + (matches.length === 1 ? " match" : " matches"), "count", results);
		matches.slice(0, 50).forEach(function (n) {
			var a = h("button", n.label || n.id, "link result", results);
			a.title = n.id;
			a.addEventListener("click", function () { select(n, true); });
		});
	}
	search.addEventListener("input", markSearch);
	search.addEventListener("keydown", function (ev) {
		if (ev.key === "Enter" && matches.length) select(matches[0], true);
	});

	// The directory tree: the same open and closed state as the graph.
	var tree = document.getElementById("tree");
	function renderTree() {
		while (tree.firstChild) tree.removeChild(tree.firstChild);
		var ul = h("ul", null, null, tree);
		roots.filter(shown).forEach(function (g) { treeItem(g, ul); });
	}
	function treeItem(g, ul) {
		var li = h("li", null, g.cycle ? "cycle" : null, ul);
		if (g.count === 1) {
			var only = g.leaves[0] || null;
			(function first(x) { if (!only) { if (x.leaves.length) only = x.leaves[0]; else x.kids.forEach(first); } })(g);
			leafItem(only, li);
			return;
		}
		var b = h("button", (g.open ? "\u25BE " : "\u25B8 ") + g.label + " (" + g.count + ")", "toggle", li);
		b.setAttribute("data-key", g.key);
		b.addEventListener("click", function () { if (g.open) collapse(g); else expand(g); });
		if (!g.open) return;
		var sub = h("ul", null, null, li);
		g.kids.forEach(function (k) { treeItem(k, sub); });
		g.leaves.forEach(function (n) { leafItem(n, h("li", null, n.cycle ? "cycle" : null, sub)); });
	}
	function leafItem(n, li) {
		var a = h("button", n.label || n.id, "link", li);
		a.addEventListener("click", function () { select(n, true); });
	}

	document.title = "goremover graph" + (data.root ? ": " + data.root : "") + (data.kind ? " (" + data.kind + ")" : "");
	render();
	fit(true);
	document.body.setAttribute("data-ready", "true");
})();
