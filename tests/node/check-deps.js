#!/usr/bin/env node
// check-deps.js APP/package.json TOOLS/package.json - every package the
// generated package.json names must be pinned by the typecheck tooling
// (so the harness type-checks against what users install), at a version
// the generated range accepts; or be listed, with a reason, under
// "locusNotNeededForTypecheck". Exits 1 with one line per problem.
'use strict';
const fs = require('fs');

function parse(v) {
	const m = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/.exec(v.trim());
	return m ? { n: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] || null } : null;
}

function cmp(a, b) {
	for (let i = 0; i < 3; i++) if (a.n[i] !== b.n[i]) return a.n[i] - b.n[i];
	return 0;
}

// Enough of npm's range syntax for generated package.json files:
// exact, ^x.y.z, ~x.y.z, >=x.y.z, * and "latest".
function satisfies(version, range) {
	const v = parse(version);
	const r = range.trim();
	if (!v) return false;
	if (r === '*' || r === '' || r === 'latest') return !v.pre;
	const op = /^(\^|~|>=)?\s*(.*)$/.exec(r);
	const base = parse(op[2]);
	if (!base) return false;
	if (!op[1]) return cmp(v, base) === 0 && v.pre === base.pre;
	if (v.pre && !(base.pre && cmp(v, base) === 0)) return false;
	if (cmp(v, base) < 0) return false;
	if (op[1] === '>=') return true;
	if (op[1] === '~') return v.n[0] === base.n[0] && v.n[1] === base.n[1];
	if (base.n[0] > 0) return v.n[0] === base.n[0];
	if (base.n[1] > 0) return v.n[0] === 0 && v.n[1] === base.n[1];
	return cmp(v, base) === 0;
}

const [appFile, toolsFile] = process.argv.slice(2);
if (!appFile || !toolsFile) {
	console.error('usage: check-deps.js APP/package.json TOOLS/package.json');
	process.exit(2);
}
const app = JSON.parse(fs.readFileSync(appFile, 'utf8'));
const tools = JSON.parse(fs.readFileSync(toolsFile, 'utf8'));
const pinned = Object.assign({}, tools.devDependencies, tools.dependencies);
const skipped = tools.locusNotNeededForTypecheck || {};
const problems = [];
for (const key of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
	for (const [name, range] of Object.entries(app[key] || {})) {
		if (Object.prototype.hasOwnProperty.call(skipped, name)) continue;
		if (!Object.prototype.hasOwnProperty.call(pinned, name))
			problems.push(key + ': ' + name + ' ' + range + ' is not pinned in tests/node/package.json');
		else if (!satisfies(pinned[name], String(range)))
			problems.push(key + ': ' + name + ' ' + range + ' does not accept the pinned ' + pinned[name]);
	}
}
for (const p of problems) console.error(p);
process.exit(problems.length > 0 ? 1 : 0);
