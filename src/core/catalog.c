/*
 * catalog.c - the write path of segments, channels, products and promotions
 * (catalog_impl.h): the permission, version, duplicate and reference checks and
 * the audit row live here once; each noun brings its SQL and field rules.
 */
#include "core/catalog_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* The int64 field at offset off of a record. */
static int64_t *field64(void *rec, size_t off)
{
	return (int64_t *)((char *)rec + off);
}

static int64_t cfield64(const void *rec, size_t off)
{
	return *(const int64_t *)((const char *)rec + off);
}

static const char *key_of(const struct catalog_noun *n, const void *rec)
{
	return (const char *)rec + n->key_off;
}

int catalog_word_valid(const char *word, const char *const *words)
{
	for (; word && *words; words++)
		if (!strcmp(word, *words))
			return 1;
	return 0;
}

/* Fill rec from the current row: the shared columns 0-5, then the noun's own. */
static void read_row(struct store *st, struct stmt *s, const struct catalog_noun *n, void *rec)
{
	*field64(rec, n->id_off) = store_col_int(st, s, 0);
	snprintf((char *)rec + n->key_off, n->key_size, "%s", store_col_text(st, s, 1));
	snprintf((char *)rec + n->name_off, n->name_size, "%s", store_col_text(st, s, 2));
	*field64(rec, n->version_off) = store_col_int(st, s, 3);
	*field64(rec, n->created_off) = store_col_int(st, s, 4);
	*field64(rec, n->updated_off) = store_col_int(st, s, 5);
	n->row(st, s, rec);
}

/* Check in's key, name and own fields, copying them into out. */
static int validate(const struct catalog_noun *n, const void *in, void *out, struct err *err)
{
	if (code_field((char *)out + n->key_off, n->key_size, key_of(n, in), n->key, err) ||
	    text_field((char *)out + n->name_off, n->name_size, (const char *)in + n->name_off,
		       1, 0, "name", err))
		return -1;
	return n->validate(in, out, err);
}

/* Bind the name and the noun's own columns from index first; returns the next index. */
static int bind_fields(struct store *st, struct stmt *s, const struct catalog_noun *n,
		       int first, const void *rec)
{
	store_bind_text(st, s, first, (const char *)rec + n->name_off);
	return n->bind(st, s, first + 1, rec);
}

int catalog_get(struct store *st, const struct catalog_noun *n, const char *key, void *out,
		struct err *err)
{
	struct stmt *s = store_prepare(st, n->sql_get, err);
	int rc;

	if (!s)
		return -1;
	store_bind_text(st, s, 1, key);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		read_row(st, s, n, out);
	store_done(st, s);
	if (rc == STORE_DONE)
		return err_set(err, ERR_NOT_FOUND, n->entity, "no_record:_,key", "no %s \"%s\"", n->entity, key);
	return rc < 0 ? -1 : 0;
}

int catalog_list(struct store *st, const struct catalog_noun *n, void **items, size_t *len,
		 size_t *alloc, struct err *err)
{
	struct stmt *s = store_prepare(st, n->sql_list, err);
	int rc;

	if (!s)
		return -1;
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		if (*len >= *alloc) {
			*alloc = *alloc * 2 + 16;
			*items = xrealloc(*items, *alloc * n->size);
		}
		read_row(st, s, n, (char *)*items + *len * n->size);
		(*len)++;
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* rec as JSON in b, or NULL when there is no record (before a create, after a delete). */
static const char *json_of(const struct catalog_noun *n, const void *rec, struct buf *b)
{
	struct jw w;

	if (!rec)
		return NULL;
	jw_init(&w, b);
	n->write_json(&w, rec);
	return buf_cstr(b);
}

/*
 * End a write: run the noun's hook (when there is one), audit the write with
 * the record before and after it, and commit.
 */
static int finish(struct tx *tx, const struct catalog_noun *n, catalog_hook_fn hook,
		  const void *arg, int64_t id, const char *action, const void *before,
		  const void *after, struct err *err)
{
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	int r = hook ? hook(tx, before, after, arg, err) : 0;

	if (!r)
		r = tx_audit(tx, n->entity, id, action, json_of(n, before, &b1),
			     json_of(n, after, &b2), err);
	if (!r)
		r = tx_commit(tx, err);
	buf_release(&b1);
	buf_release(&b2);
	return r;
}

static int require_manager(const struct actor *a, const char *verb,
			   const struct catalog_noun *n, struct err *err)
{
	char what[64];

	snprintf(what, sizeof(what), "%s %s", verb, n->plural);
	return require_role(a, ROLE_MANAGER, what, err);
}

/*
 * Load the record a change or delete names into cur, after checking that the
 * actor may write the catalog, and check that the change names its version.
 */
static int load_for_write(struct store *st, const struct actor *a,
			  const struct catalog_noun *n, const char *verb, const char *key,
			  int64_t version, void *cur, struct err *err)
{
	int64_t have;

	if (require_manager(a, verb, n, err) || catalog_get(st, n, key, cur, err))
		return -1;
	have = cfield64(cur, n->version_off);
	return version == have ? 0 : tx_version_conflict(n->entity, key, version, have, err);
}

/*
 * Run an UPDATE or DELETE that matches "id = ? AND version = ?" and returns a
 * row when it did. No row: the record moved on (or went) after it was read;
 * the reload, inside the write transaction, names its version now.
 */
static int step_versioned(struct store *st, const struct catalog_noun *n, struct stmt *s,
			  const char *key, int64_t version, void *scratch, struct err *err)
{
	int rc = store_step(st, s, err);

	store_done(st, s);
	if (rc < 0)
		return -1;
	if (rc == STORE_DONE) {
		if (catalog_get(st, n, key, scratch, err))
			return -1;
		return tx_version_conflict(n->entity, key, version,
					   cfield64(scratch, n->version_off), err);
	}
	return 0;
}

int catalog_create(struct store *st, const struct actor *a, const struct catalog_noun *n,
		   const void *in, void *out, catalog_hook_fn hook, const void *arg,
		   struct err *err)
{
	struct tx tx = { 0 };
	struct stmt *s;
	int64_t id = NO_ID;
	int rc, next, r = -1;

	if (require_manager(a, "adding", n, err))
		return -1;
	memset(out, 0, n->size);
	if (validate(n, in, out, err) || tx_begin(&tx, st, a, err))
		return -1;
	s = store_prepare(st, n->sql_insert, err);
	if (!s)
		goto out;
	store_bind_text(st, s, 1, key_of(n, out));
	next = bind_fields(st, s, n, 2, out);
	store_bind_int(st, s, next, tx.now);
	store_bind_int(st, s, next + 1, tx.now);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		id = store_col_int(st, s, 0);
	store_done(st, s);
	if (rc < 0) {
		if (err->code == ERR_CONFLICT)
			err_set(err, ERR_CONFLICT, n->key, "duplicate_key:_,_,key", "a %s with %s \"%s\" exists", n->entity,
				n->key, key_of(n, out));
		goto out;
	}
	if (id == NO_ID) {
		err_set(err, ERR_INTERNAL, NULL, "internal", "adding %s %s returned no id", n->entity,
			key_of(n, out));
		goto out;
	}
	*field64(out, n->id_off) = id;
	*field64(out, n->version_off) = 1;
	*field64(out, n->created_off) = tx.now;
	*field64(out, n->updated_off) = tx.now;
	r = finish(&tx, n, hook, arg, id, "create", NULL, out, err);
out:
	if (r)
		tx_abort(&tx);
	return r;
}

int catalog_update(struct store *st, const struct actor *a, const struct catalog_noun *n,
		   const void *want, void *out, catalog_hook_fn hook, const void *arg,
		   struct err *err)
{
	const char *key = key_of(n, want);
	int64_t version = cfield64(want, n->version_off), id;
	void *cur = xmalloc(n->size);
	struct tx tx = { 0 };
	struct stmt *s;
	int next, r = -1;

	if (load_for_write(st, a, n, "changing", key, version, cur, err))
		goto out;
	memcpy(out, cur, n->size);
	if (validate(n, want, out, err) || tx_begin(&tx, st, a, err))
		goto out;
	id = cfield64(cur, n->id_off);
	s = store_prepare(st, n->sql_update, err);
	if (!s)
		goto out;
	next = bind_fields(st, s, n, 1, out);
	store_bind_int(st, s, next, tx.now);
	store_bind_int(st, s, next + 1, id);
	store_bind_int(st, s, next + 2, version);
	if (step_versioned(st, n, s, key, version, out, err))
		goto out;
	*field64(out, n->version_off) = version + 1;
	*field64(out, n->updated_off) = tx.now;
	r = finish(&tx, n, hook, arg, id, "update", cur, out, err);
out:
	if (r)
		tx_abort(&tx);
	free(cur);
	return r;
}

/*
 * Count the rows of each refs table that refer to id; when any do, describe
 * them in used ("2 customers, 5 sales records and 1 goal").
 */
static int references(struct store *st, const struct catalog_noun *n, int64_t id,
		      struct buf *used, struct err *err)
{
	const char *part[8];
	int64_t count[8];
	int nparts = 0;

	for (const struct catalog_ref *ref = n->refs; ref && ref->sql_count && nparts < 8;
	     ref++) {
		struct stmt *s = store_prepare(st, ref->sql_count, err);
		int64_t c = 0;
		int rc;
		if (!s)
			return -1;
		store_bind_int(st, s, 1, id);
		rc = store_step(st, s, err);
		if (rc == STORE_ROW)
			c = store_col_int(st, s, 0);
		store_done(st, s);
		if (rc < 0)
			return -1;
		if (c > 0) {
			part[nparts] = c == 1 ? ref->one : ref->many;
			count[nparts++] = c;
		}
	}
	for (int i = 0; i < nparts; i++)
		buf_addf(used, "%s%lld %s", i == 0 ? "" : i + 1 == nparts ? " and " : ", ",
			 (long long)count[i], part[i]);
	return 0;
}

int catalog_delete(struct store *st, const struct actor *a, const struct catalog_noun *n,
		   const char *key, int64_t version, struct err *err)
{
	void *cur = xmalloc(n->size);
	struct buf used = BUF_INIT;
	struct tx tx = { 0 };
	struct stmt *s;
	int64_t id;
	int r = -1;

	if (load_for_write(st, a, n, "deleting", key, version, cur, err))
		goto out;
	id = cfield64(cur, n->id_off);
	if (tx_begin(&tx, st, a, err) || references(st, n, id, &used, err))
		goto out;
	if (used.len) {
		err_set(err, ERR_CONFLICT, n->entity, "in_use:_,key,users", "%s %s is used by %s; it cannot be deleted",
			n->entity, key, buf_cstr(&used));
		goto out;
	}
	s = store_prepare(st, n->sql_delete, err);
	if (!s)
		goto out;
	store_bind_int(st, s, 1, id);
	store_bind_int(st, s, 2, version);
	if (step_versioned(st, n, s, key, version, cur, err)) {
		/* A foreign key from a table refs does not list (the store names no field). */
		if (err->code == ERR_CONFLICT && !err->field[0])
			err_set(err, ERR_CONFLICT, n->entity, "in_use:_,key",
				"%s %s is used by other records; it cannot be deleted", n->entity,
				key);
		goto out;
	}
	r = finish(&tx, n, NULL, NULL, id, "delete", cur, NULL, err);
out:
	if (r)
		tx_abort(&tx);
	buf_release(&used);
	free(cur);
	return r;
}
