/*
 * tls.c - HTTPS for `salespm serve --tls-cert FILE --tls-key FILE`: the
 * certificate chain and key read with GnuTLS and handed to libmicrohttpd by
 * its certificate callback, so that SIGHUP reads the files again and new
 * connections get the new certificate while those open keep theirs (a
 * renewed certificate without a restart). TLS 1.2 and 1.3 only, AEAD ciphers
 * only, forward-secret key exchange only.
 */
#include "http/tls.h"

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define CHAIN_MAX 8

/* One reading of the files: what a handshake hands out. */
struct cred {
	gnutls_pcert_st pcert[CHAIN_MAX];
	unsigned n;
	gnutls_privkey_t key;
	int64_t expires; /* the leaf's notAfter, seconds since 1970 */
	char subject[256];
	struct cred *older; /* every reading is kept until the server stops: a session */
};                      /* may hold the one it began with */

static struct {
	pthread_mutex_t lock;
	struct cred *current;
	char *cert_path, *key_path;
} tls = { .lock = PTHREAD_MUTEX_INITIALIZER };

/*
 * TLS 1.3 and 1.2; AES-GCM and ChaCha20-Poly1305 (no CBC, RC4, 3DES); ECDHE
 * (and 1.3's own) key exchange, no static RSA: what current browsers and
 * curl speak, with forward secrecy.
 */
const char TLS_PRIORITIES[] =
	"SECURE256:+SECURE128:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM:"
	"+AES-128-GCM:+CHACHA20-POLY1305:-KX-ALL:+ECDHE-RSA:+ECDHE-ECDSA:-SHA1:%SERVER_PRECEDENCE";

static void cred_free(struct cred *c)
{
	for (unsigned i = 0; i < c->n; i++)
		gnutls_pcert_deinit(&c->pcert[i]);
	if (c->key)
		gnutls_privkey_deinit(c->key);
	free(c);
}

/* The DER of a public key, for comparing the certificate's with the key's. */
static int pubkey_der(gnutls_pubkey_t pk, gnutls_datum_t *out)
{
	return gnutls_pubkey_export2(pk, GNUTLS_X509_FMT_DER, out);
}

static int load(const char *cert_path, const char *key_path, struct cred **out, struct err *err)
{
	gnutls_datum_t cert = { NULL, 0 }, key = { NULL, 0 }, a = { NULL, 0 }, b = { NULL, 0 };
	gnutls_pubkey_t kpub = NULL;
	gnutls_x509_crt_t crt = NULL;
	struct cred *c = xcalloc(1, sizeof(*c));
	int rc;

	c->n = CHAIN_MAX;
	if ((rc = gnutls_load_file(cert_path, &cert)) < 0) {
		err_set(err, ERR_USAGE, "tls-cert", "tls_cert_unreadable", "cannot read %s: %s",
			cert_path, gnutls_strerror(rc));
		goto fail;
	}
	if ((rc = gnutls_load_file(key_path, &key)) < 0) {
		err_set(err, ERR_USAGE, "tls-key", "tls_key_unreadable", "cannot read %s: %s",
			key_path, gnutls_strerror(rc));
		goto fail;
	}
	rc = gnutls_pcert_list_import_x509_raw(c->pcert, &c->n, &cert, GNUTLS_X509_FMT_PEM,
					       GNUTLS_X509_CRT_LIST_FAIL_IF_UNSORTED);
	if (rc < 0 || c->n == 0) {
		c->n = 0;
		err_set(err, ERR_USAGE, "tls-cert", "tls_cert_invalid",
			"%s holds no PEM certificate chain (leaf first): %s", cert_path,
			gnutls_strerror(rc));
		goto fail;
	}
	if ((rc = gnutls_privkey_init(&c->key)) < 0 ||
	    (rc = gnutls_privkey_import_x509_raw(c->key, &key, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
		err_set(err, ERR_USAGE, "tls-key", "tls_key_invalid",
			"%s holds no unencrypted PEM private key: %s", key_path, gnutls_strerror(rc));
		goto fail;
	}
	/* the key must be the certificate's */
	if (gnutls_pubkey_init(&kpub) < 0 || gnutls_pubkey_import_privkey(kpub, c->key, 0, 0) < 0 ||
	    pubkey_der(kpub, &a) < 0 || pubkey_der(c->pcert[0].pubkey, &b) < 0 || a.size != b.size ||
	    memcmp(a.data, b.data, a.size)) {
		err_set(err, ERR_USAGE, "tls-key", "tls_key_mismatch",
			"the key in %s is not the key of the certificate in %s", key_path, cert_path);
		goto fail;
	}
	if (gnutls_x509_crt_init(&crt) >= 0 &&
	    gnutls_x509_crt_import(crt, &c->pcert[0].cert, GNUTLS_X509_FMT_DER) >= 0) {
		size_t len = sizeof(c->subject);
		c->expires = (int64_t)gnutls_x509_crt_get_expiration_time(crt);
		if (gnutls_x509_crt_get_dn(crt, c->subject, &len) < 0)
			c->subject[0] = '\0';
	}
	if (crt)
		gnutls_x509_crt_deinit(crt);
	gnutls_pubkey_deinit(kpub);
	gnutls_free(a.data);
	gnutls_free(b.data);
	gnutls_free(cert.data);
	gnutls_free(key.data);
	*out = c;
	return 0;
fail:
	if (kpub)
		gnutls_pubkey_deinit(kpub);
	gnutls_free(a.data);
	gnutls_free(b.data);
	gnutls_free(cert.data);
	gnutls_free(key.data);
	cred_free(c);
	return -1;
}

/* libmicrohttpd's certificate callback: the reading in force when a handshake asks. */
static int retrieve(gnutls_session_t session, const gnutls_datum_t *req_ca_rdn, int nreqs,
		    const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length,
		    gnutls_pcert_st **pcert, unsigned int *pcert_length, gnutls_privkey_t *pkey)
{
	struct cred *c;

	(void)session;
	(void)req_ca_rdn;
	(void)nreqs;
	(void)pk_algos;
	(void)pk_algos_length;
	pthread_mutex_lock(&tls.lock);
	c = tls.current;
	pthread_mutex_unlock(&tls.lock);
	if (!c)
		return -1;
	*pcert = c->pcert;
	*pcert_length = c->n;
	*pkey = c->key;
	return 0;
}

static void describe(const struct cred *c, const char *what)
{
	char when[TS_FMT_MAX];
	ts_format(c->expires, when);
	fprintf(stderr, "salespm: %s the TLS certificate %s (%u in its chain), valid until %s\n",
		what, c->subject[0] ? c->subject : "(no subject)", c->n, when);
}

int tls_start(const char *cert_path, const char *key_path, struct err *err)
{
	struct cred *c;

	if (gnutls_global_init() < 0)
		return err_set(err, ERR_UNAVAILABLE, NULL, "internal", "GnuTLS cannot start");
	if (load(cert_path, key_path, &c, err)) {
		gnutls_global_deinit();
		return -1;
	}
	tls.cert_path = xstrdup(cert_path);
	tls.key_path = xstrdup(key_path);
	tls.current = c;
	describe(c, "serving with");
	return 0;
}

void tls_reload(void)
{
	struct err err = { 0 };
	struct cred *c;

	if (!tls.current)
		return;
	if (load(tls.cert_path, tls.key_path, &c, &err)) {
		fprintf(stderr, "salespm: SIGHUP: the certificate in force is kept: %s\n", err.msg);
		return;
	}
	pthread_mutex_lock(&tls.lock);
	c->older = tls.current;
	tls.current = c;
	pthread_mutex_unlock(&tls.lock);
	describe(c, "SIGHUP: now serving with");
}

void tls_stop(void)
{
	struct cred *c = tls.current;

	if (!c)
		return;
	while (c) {
		struct cred *older = c->older;
		cred_free(c);
		c = older;
	}
	tls.current = NULL;
	free(tls.cert_path);
	free(tls.key_path);
	tls.cert_path = tls.key_path = NULL;
	gnutls_global_deinit();
}

int tls_check(const char *cert_path, const char *key_path, char *subject, size_t len,
	      int64_t *expires, struct err *err)
{
	struct cred *c;
	int r;

	if (gnutls_global_init() < 0)
		return err_set(err, ERR_UNAVAILABLE, NULL, "internal", "GnuTLS cannot start");
	r = load(cert_path, key_path, &c, err);
	if (!r) {
		snprintf(subject, len, "%s", c->subject);
		*expires = c->expires;
		cred_free(c);
	}
	gnutls_global_deinit();
	return r;
}

void *tls_callback(void)
{
	return (void *)retrieve;
}
