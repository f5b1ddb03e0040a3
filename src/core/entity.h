/*
 * entity.h - one description per noun. A noun (segment, channel, member,
 * goal...) is described once, as a table of typed fields with their limits and
 * who may write them, and the noun's permission rule; from that description
 * the engine (entity.c) validates input with the field named in the error,
 * binds and reads SQL, writes JSON, runs the generic get / list / create /
 * update / delete with versions and audit, and filters and sorts on an
 * allow-list. The faces build their JSON parsing (api/entity.c), CLI options
 * and --help (cli/entity.c) and the OpenAPI document from the same table.
 * What is not generic (a product's price history, a goal's SMART lint) stays
 * in the noun's own file, hooked in.
 *
 * A record is the noun's own C struct; a field says where its value sits in it
 * (offsetof) and in which C type, by kind:
 *   EK_TEXT, EK_NOTE, EK_CODE, EK_ENUM, EK_EMAIL  char[size]
 *   EK_MONEY, EK_COUNT, EK_RATIO, EK_INSTANT,
 *   EK_ID, EK_VERSION                               int64_t
 *   EK_DATE                                         int32_t (NO_DATE = none)
 *   EK_BOOL                                         int (0 / 1)
 *   EK_CHOICE                                       int: min + the value's index in values[]
 *                                                   (min - 1 = none): a C enum (enum role,
 *                                                   enum prole from PROLE_VIEWER, enum metric)
 *   EK_REF                                          int64_t id at off (NO_ID = none), and
 *                                                   the target's key text at key_off
 * A number whose kind follows the record (a goal's target by its metric, a
 * promotion's value by its kind) names a variant: the field as it is for that
 * record, with its own kind and range.
 */
#ifndef CORE_ENTITY_H
#define CORE_ENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"

struct tx;
struct entity;
struct ent_project;

enum ent_kind {
	EK_TEXT,    /* one line of text */
	EK_NOTE,    /* text that may hold line breaks */
	EK_CODE,    /* a code: 1-63 of [A-Za-z0-9_.-] */
	EK_EMAIL,   /* an email address (or empty) */
	EK_ENUM,    /* one of values[] */
	EK_MONEY,   /* minor units (分) in [min, max] */
	EK_COUNT,   /* a whole number in [min, max] */
	EK_RATIO,   /* basis points in [min, max] (0..10000 = 0..100%); JSON a number in [0, 1] */
	EK_DATE,    /* a calendar date */
	EK_INSTANT, /* a moment, UTC seconds */
	EK_BOOL,    /* true / false */
	EK_REF,     /* another noun's record, named by its key */
	EK_ID,      /* the record's id */
	EK_VERSION, /* the record's version */
	EK_CHOICE,  /* one of values[], held as a C enum (min + its index); SQL and JSON its name */
};

/* Field flags. */
enum {
	EF_KEY = 1 << 0,      /* names the record (routes, CLI); unique; fixed once created */
	EF_REQUIRED = 1 << 1, /* must be given on create */
	EF_READONLY = 1 << 2, /* set by the server: never taken from input */
	EF_NULLABLE = 1 << 3, /* may be none (null in JSON, NULL in SQL) */
	EF_FILTER = 1 << 4,   /* lists filter on it: equality (text: substring; dates: from/to) */
	EF_SORT = 1 << 5,     /* lists sort on it */
	EF_CREATE = 1 << 6,   /* settable on create only */
	EF_HIDDEN = 1 << 7,   /* never shown (a password's hash) */
	EF_INPUT = 1 << 8,    /* an input, not a column: handed to the noun's hooks */
	EF_SECRET = 1 << 9,   /* an input never echoed or audited (a password); the CLI reads
			       * it from a file (--NAME-file F), the API takes a hashing slot */
};

struct ent_field {
	const char *name;   /* the JSON name; the CLI option is it with '-' for '_' */
	enum ent_kind kind;
	unsigned flags;
	const char *column; /* its SQL column (NULL for EF_INPUT fields) */
	size_t off, size;   /* where the value sits in the record, and its size */
	int64_t min, max;   /* numbers: the range; text: max = most bytes (0 = size - 1);
			     * EK_CHOICE: min is the C value of values[0] */
	const char *const *values;  /* EK_ENUM, EK_CHOICE: the values, ended by NULL */
	const struct entity *ref;   /* EK_REF: the target noun */
	size_t key_off, key_size;   /* EK_REF: where the target's key text sits */
	enum role write_role;       /* least workspace role that may set it (0 = the noun's) */
	const char *help;           /* one line, for --help and the API document */
	const char *example;        /* an example value as a user types it */
	/*
	 * A field whose kind follows the record (a promotion's value: a ratio
	 * for a percent discount, money for an amount, a count otherwise; a
	 * goal's target by its metric): the field as it is for rec (same name,
	 * offset, column and flags; its own kind and range). The faces hand its
	 * value over as typed (entity_input_raw); the engine reads it once the
	 * record as it will be written is known.
	 */
	const struct ent_field *(*variant)(const void *rec);
	/*
	 * The EK_ENUM field whose value the variant follows ("kind"): the
	 * description (entity_describe) lists the field as it is for each of
	 * that field's values, so a form can follow it as a user picks.
	 */
	const char *variant_by;
	/*
	 * Read through the EK_REF field named via: column is the target table's
	 * column (a member's "name" is its user's). Read only: never written,
	 * filtered or sorted.
	 */
	const char *via;
	/*
	 * EK_DATE: the date field named here may not come after this one (an
	 * end and its start); when both are given the engine refuses an end
	 * before its start, naming this field.
	 */
	const char *not_before;
	/*
	 * A column-less EK_BOOL with EF_FILTER: lists filter on whether this SQL
	 * condition on the row (t) holds; "?NOW" in it stands for the current
	 * instant (ts_now), as an activity is overdue once its due time has passed;
	 * "?TODAY" today's date (date_today), as a risk is due for review once its
	 * review day has passed and a task is overdue once its due day is before
	 * today (a condition uses one of the two).
	 */
	const char *filter_sql;
};

/* Who may read and write a noun. */
enum ent_scope { ENT_WORKSPACE = 0, ENT_PROJECT };

/* A table whose rows refer to a record and so block its deletion. */
struct ent_blocker {
	const char *sql_count; /* "SELECT COUNT(*) FROM t WHERE x_id = ?" */
	const char *one, *many; /* "sale", "sales" */
};

/* What a create or update brings: the values, and which fields were given. */
struct ent_input {
	void *rec;         /* a record of the noun's struct: the given values */
	uint64_t set;      /* bit i: fields[i] was given (null included) */
	uint64_t null;     /* bit i: fields[i] was given as none */
	int64_t version;   /* update and delete: the version being changed */
	/* variant fields: the value as the face got it (NULL = none), by field index */
	const char *raw[64];
	unsigned char raw_json[64]; /* 1: raw is a JSON number's text; 0: as a user types it */
	/* set by the engine for the hooks: the project of a project noun (else NULL) */
	const struct ent_project *project;
};

/* A project noun's project, resolved by the caller. */
struct ent_project {
	int64_t id;
	const char *code;
};

/* entity_delete's version when the caller deletes the record as it is now. */
#define ENT_ANY_VERSION INT64_MIN

/* Verbs a noun leaves out of the generic faces (its own file serves them, or none). */
enum {
	ENT_NO_LIST = 1 << 0,
	ENT_NO_GET = 1 << 1,
	ENT_NO_CREATE = 1 << 2,
	ENT_NO_UPDATE = 1 << 3,
	ENT_NO_DELETE = 1 << 4,
};

/* A list's filters (the field's name and the text a user gave), sort and page. */
#define ENT_MAX_FILTERS 12
struct ent_query {
	int nfilters;
	const char *filter_name[ENT_MAX_FILTERS];
	const char *filter_value[ENT_MAX_FILTERS];
	const char *sort; /* a field with EF_SORT; NULL = the noun's order */
	int desc;
	int64_t limit, offset; /* limit 0 = all */
};

/* A list's records (each of the noun's size) and the count before paging. */
struct ent_rows {
	void *items;
	size_t n, alloc;
	int64_t total;
};

/* The hooks a noun may add to the engine's write path; any may be NULL. */
struct ent_hooks {
	/*
	 * Rules across fields, after each field passed its own check: rec is
	 * the record as it will be written, before the current one (NULL on
	 * create). Runs inside the write transaction.
	 */
	int (*check)(struct tx *tx, const void *before, void *rec, const struct ent_input *in,
		     struct err *err);
	/* Who may write, when the noun's rule is not enough (a user edits their own name). */
	int (*authorize)(struct store *st, const struct actor *a, const void *before,
			 const struct ent_input *in, struct err *err);
	/* More work in the transaction after the row is written (before is NULL on create, after on delete). */
	int (*after)(struct tx *tx, const void *before, const void *after,
		     const struct ent_input *in, struct err *err);
	/* More members in a record's JSON (a promotion's unit). */
	void (*write_extra)(struct jw *w, const void *rec);
	/* More members when one record is shown alone, not in a list (a product's price history). */
	int (*write_detail)(struct store *st, struct jw *w, const void *rec, struct err *err);
	/*
	 * Work before the write transaction opens, after the first permission
	 * check (hashing a password, which must not hold the write lock); it may
	 * change in->rec. Create (key NULL) and update (key names the record).
	 */
	int (*prepare)(struct store *st, const struct actor *a, const char *key,
		       struct ent_input *in, struct err *err);
	/*
	 * Values a read adds from other tables (a product's cost and price in
	 * force today, a customer's totals over the projects the reader sees):
	 * after get, each row of a list, the record an update or delete starts
	 * from, and the answer of a create or update.
	 */
	int (*fill)(struct store *st, const struct actor *a, void *rec, struct err *err);
};

struct entity {
	const char *name;    /* "segment": the CLI noun, the audit entity, messages */
	const char *plural;  /* "segments": the route */
	const char *table;   /* its SQL table */
	const char *summary; /* one line: what it is, for help and the API document */
	size_t size;         /* of the record struct */
	const struct ent_field *fields; /* ended by a {NULL} entry; at most 64 */
	enum ent_scope scope;
	/* workspace nouns: the least roles that read and write */
	enum role read_role, write_role;
	/* project nouns: the least project roles that read and write... */
	enum prole read_prole, write_prole;
	/* ...and members below write_prole may write the records this field names them in */
	const char *own_field;
	const struct ent_blocker *blockers; /* ended by a NULL sql_count */
	const char *order;   /* the list's SQL ORDER BY when no sort is asked ("t.code") */
	struct ent_hooks hooks;
	/*
	 * The noun's faces are its own (its answers carry more than the record, as
	 * a goal's progress): the engine writes no generic routes or commands for
	 * it; its core file calls entity_get / list / create / update / delete.
	 */
	int own_faces;
	/*
	 * The members hooks.write_extra adds, for the API document: JSON text of
	 * JSON Schema properties ("{\"prices\":{\"type\":\"array\"}}"), each one
	 * always written. NULL with a write_extra: the record's schema stays open.
	 */
	const char *extra_schema;
	/* The same for the members hooks.write_detail adds when one record is shown alone (not in lists). */
	const char *detail_schema;
	unsigned omit;       /* ENT_NO_*: verbs the generic faces leave out */
	/*
	 * A project noun written on a closed project too (a lesson, a review):
	 * others are frozen once their project is closed (tx_begin_project).
	 */
	int unfrozen;
	/*
	 * Where the web UI lists the noun's generic screen: a navigation section
	 * ("strategy", "team", "execution", "admin"; labelled nav.<section> in
	 * the UI's catalogs). NULL: the noun has no generic screen (its own
	 * screen, or none).
	 */
	const char *section;
	int section_rank; /* its place in the section (the method's order: markets before channels) */
};

/* --- describing ------------------------------------------------------------- */

/* The field named name, or NULL. */
const struct ent_field *entity_field(const struct entity *e, const char *name);

/* The index of f in e->fields (the bit of struct ent_input). */
int entity_field_index(const struct entity *e, const struct ent_field *f);

/* The key field (EF_KEY), or the id field for nouns named by id. */
const struct ent_field *entity_key(const struct entity *e);

/*
 * Every noun the engine knows, ended by NULL (for the faces' generic routes
 * and commands). The build writes it (build/gen/entities.c) from the
 * ENTITY(name) definitions in the files of src/core: a new noun registers itself.
 */
extern const struct entity *const entity_all[];

/* Define a noun's description, name_entity, and enter it in entity_all. */
#define ENTITY(name) const struct entity name##_entity

/* The noun named name ("segment"), or NULL. */
const struct entity *entity_find(const char *name);

/* --- values ------------------------------------------------------------------- */

/*
 * Parse text as a user types it into field f of rec: money as a decimal in
 * major units ("199.00"), a ratio as a percent ("12.5"), a date as
 * YYYY-MM-DD, a bool as yes/no/true/false/1/0, a ref as the target's key.
 * Errors name the field.
 */
int entity_parse_text(const struct ent_field *f, const char *text, void *rec, struct err *err);

/* The value of f in rec as a user reads it ("199.00", "12.5", "2027-01-01", "yes"). */
void entity_format(const struct ent_field *f, const void *rec, char *out, size_t size);

/* Whether f's value in rec is none (an empty text, NO_DATE, NO_ID). */
int entity_is_none(const struct ent_field *f, const void *rec);

/* Set f's value in rec to none. */
void entity_set_none(const struct ent_field *f, void *rec);

/* Mark field name of in as given (the faces call it for each value they fill). */
void entity_input_set(const struct entity *e, struct ent_input *in, const struct ent_field *f,
		      int is_null);

/* Write rec as a JSON object: every field but hidden ones, refs by their key. */
void entity_write_json(struct jw *w, const struct entity *e, const void *rec);

/* rec as entity_write_json writes it, as text in b (emptied first; an audit row's before or after). */
struct buf;
const char *entity_json(const struct entity *e, const void *rec, struct buf *b);

/* Write rec as entity_write_json does, with the members of its write_detail hook (one record shown). */
int entity_write_json_detail(struct store *st, struct jw *w, const struct entity *e,
			     const void *rec, struct err *err);

/* The field as it is for rec: f, or what its variant says (see ent_field.variant). */
const struct ent_field *entity_variant(const struct ent_field *f, const void *rec);

/*
 * Hand a variant field's value over as typed: text as a user types it
 * (json 0) or a JSON number's text (json 1); marks the field given.
 */
void entity_input_raw(const struct entity *e, struct ent_input *in, const struct ent_field *f,
		      const char *text, int json);

/* Whether the field named name was given in in (for hooks). */
int entity_given(const struct entity *e, const struct ent_input *in, const char *name);

/* A rate in [0, 1] as basis points; more than four decimals is refused. Errors name field. */
int entity_rate_bp(double v, const char *field, int64_t *out, struct err *err);

/*
 * Write every noun's description as JSON for clients that build forms and
 * tables from it (GET /api/v1/entities): {"entities":[{name, plural, scope,
 * key, fields:[{name, kind, flags..., min, max, values, ref, variants}]...}]}.
 * Hidden fields are left out.
 */
void entity_describe_all(struct jw *w);

/* --- reading and writing -------------------------------------------------------- */

/*
 * Load the record named key (the key field's text, or the id as text). p is
 * the project for project nouns (NULL otherwise). ERR_NOT_FOUND names the noun.
 */
int entity_get(struct store *st, const struct actor *a, const struct entity *e,
	       const struct ent_project *p, const char *key, void *out, struct err *err);

/*
 * Load the record named key (by_id: key is its id's text) as it is stored:
 * no permission checked and no fill hook run. For a caller that has judged
 * the reader already (signing in, a name shown beside a change).
 */
int entity_load(struct store *st, const struct entity *e, const struct ent_project *p,
		const char *key, int by_id, void *out, struct err *err);

/*
 * The id of the record of e (a workspace noun) named key, NO_ID when there is
 * none: what a reference names, with no permission checked.
 */
int entity_ref_id(struct store *st, const struct entity *e, const char *key, int64_t *id,
		  struct err *err);

/* The records matching q, in q's order; out->total counts them all before paging. */
int entity_list(struct store *st, const struct actor *a, const struct entity *e,
		const struct ent_project *p, const struct ent_query *q, struct ent_rows *out,
		struct err *err);
void entity_rows_release(struct ent_rows *r);

/* Create from a whole record: every settable field of rec is given (demo data, imports). */
int entity_create_rec(struct store *st, const struct actor *a, const struct entity *e,
		      const struct ent_project *p, const void *rec, void *out, struct err *err);

/* Validate in, insert it, audit and commit; out is the new record. */
int entity_create(struct store *st, const struct actor *a, const struct entity *e,
		  const struct ent_project *p, const struct ent_input *in, void *out,
		  struct err *err);

/* Apply in's given fields to the record named key at in->version; out is the record now. */
int entity_update(struct store *st, const struct actor *a, const struct entity *e,
		  const struct ent_project *p, const char *key, const struct ent_input *in,
		  void *out, struct err *err);

/*
 * Delete the record named key at version (ENT_ANY_VERSION: as it is now),
 * unless a blocker refers to it. The hooks' after sees before and a NULL after;
 * their in has no record (rec NULL, set 0) and names the project.
 */
int entity_delete(struct store *st, const struct actor *a, const struct entity *e,
		  const struct ent_project *p, const char *key, int64_t version, struct err *err);

#endif
