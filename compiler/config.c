/*
 * config.c - Locus.toml: the small TOML subset the original read (CLI.md),
 * with real errors.
 *
 * Lines are blank, `# comments`, `[section]` or `key = value`. Values
 * are quoted strings ("..." or '...'), integers, true/false, `env(NAME)`
 * (the environment variable, empty when unset) or bare text. A value may
 * end with a `# comment`. Anything else is a configuration error reported
 * as path:line:col (exit status 2).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

static const char *
skip_blank(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static void
set(struct drv_config *c, const char *section, const char *key, char *val,
    bool is_bool, bool bool_val)
{
	if (strcmp(section, "app") == 0 && strcmp(key, "name") == 0) {
		free(c->app_name);
		c->app_name = val;
		return;
	}
	if (strcmp(section, "auth") == 0) {
		if (strcmp(key, "jwtSecret") == 0) {
			free(c->jwt_secret);
			c->jwt_secret = val;
			return;
		}
		if (strcmp(key, "adapter") == 0) {
			free(c->adapter);
			c->adapter = val;
			return;
		}
		if (strcmp(key, "requireAuth") == 0) {
			c->require_auth = is_bool ? bool_val
						  : strcmp(val, "true") == 0;
		}
	}
	free(val);
}

static int
config_error(const char *path, int line, int col, const char *msg)
{
	fprintf(stderr, "%s:%d:%d: error: %s\n", path, line, col, msg);
	return DRV_EXIT_USAGE;
}

int
drv_config_load(const char *src_dir, struct drv_config *c)
{
	struct sbuf path;
	char *text = NULL, section[128] = "";
	size_t len = 0;
	const char *p, *end;
	int rc, line = 0;

	memset(c, 0, sizeof(*c));
	sbuf_init(&path);
	sbuf_printf(&path, "%s/Locus.toml", src_dir);
	rc = fs_read_file(path.p, &text, &len);
	if (rc == BASE_ENOENT) {
		sbuf_free(&path);
		return 0;
	}
	if (rc) {
		fprintf(stderr, "locusc: error: cannot read '%s': %s\n", path.p,
			base_strerror(rc));
		sbuf_free(&path);
		return DRV_EXIT_IO;
	}
	rc = 0;
	for (p = text, end = text + len; p < end && !rc;) {
		const char *ls = p;
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		const char *q, *ks, *ke, *vs, *ve;
		char key[128];
		bool is_bool = false, bv = false;
		char *val;

		line++;
		p = eol ? eol + 1 : end;
		if (le > ls && le[-1] == '\r')
			le--;
		q = skip_blank(ls, le);
		if (q == le || *q == '#')
			continue;
		if (*q == '[') {
			const char *close = memchr(q, ']', (size_t)(le - q));

			if (!close || close == q + 1 ||
			    (size_t)(close - q - 1) >= sizeof(section)) {
				rc = config_error(path.p, line,
						  (int)(q - ls) + 1,
						  "malformed section header; "
						  "write [name]");
				break;
			}
			memcpy(section, q + 1, (size_t)(close - q - 1));
			section[close - q - 1] = 0;
			if (strcmp(section, "auth") == 0)
				c->auth = true;
			continue;
		}
		ks = q;
		while (q < le && (isalnum((unsigned char)*q) || *q == '_' ||
				  *q == '-'))
			q++;
		ke = q;
		q = skip_blank(q, le);
		if (ke == ks || q >= le || *q != '=' ||
		    (size_t)(ke - ks) >= sizeof(key)) {
			rc = config_error(path.p, line, (int)(ks - ls) + 1,
					  "expected 'key = value' or "
					  "'[section]'");
			break;
		}
		memcpy(key, ks, (size_t)(ke - ks));
		key[ke - ks] = 0;
		vs = skip_blank(q + 1, le);
		ve = le;
		if (vs < ve && (*vs == '"' || *vs == '\'')) {
			const char *close = memchr(vs + 1, *vs,
						   (size_t)(ve - vs - 1));

			if (!close) {
				rc = config_error(path.p, line,
						  (int)(vs - ls) + 1,
						  "unterminated string");
				break;
			}
			val = xstrndup(vs + 1, (size_t)(close - vs - 1));
		} else {
			const char *hash = memchr(vs, '#', (size_t)(ve - vs));

			if (hash)
				ve = hash;
			while (ve > vs && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			val = xstrndup(vs, (size_t)(ve - vs));
			if (strcmp(val, "true") == 0 ||
			    strcmp(val, "false") == 0) {
				is_bool = true;
				bv = val[0] == 't';
			}
		}
		/* env(NAME), quoted or not: the variable, empty when unset. */
		if (strncmp(val, "env(", 4) == 0 && val[strlen(val) - 1] == ')') {
			char *name = xstrndup(val + 4, strlen(val) - 5);
			const char *e = getenv(name);

			free(name);
			free(val);
			val = xstrdup(e ? e : "");
		}
		set(c, section, key, val, is_bool, bv);
	}
	free(text);
	sbuf_free(&path);
	return rc;
}

void
drv_config_free(struct drv_config *c)
{
	free(c->app_name);
	free(c->jwt_secret);
	free(c->adapter);
	memset(c, 0, sizeof(*c));
}
