#!/usr/bin/env node
// validate-schema.js SCHEMA.prisma - runs Prisma's own schema validator
// (@prisma/prisma-schema-wasm, the one `prisma validate` uses) on a file.
// Prints the validator's message and exits 1 when the schema is rejected.
'use strict';
const fs = require('fs');
const wasm = require('@prisma/prisma-schema-wasm');

const file = process.argv[2];
if (!file) {
	console.error('usage: validate-schema.js SCHEMA.prisma');
	process.exit(2);
}
const text = fs.readFileSync(file, 'utf8');
try {
	wasm.validate(JSON.stringify({ prismaSchema: [[file, text]], noColor: true }));
} catch (e) {
	let msg = String(e && e.message ? e.message : e);
	try {
		msg = JSON.parse(msg).message || msg;
	} catch {
		/* not JSON */
	}
	console.error(msg);
	process.exit(1);
}
