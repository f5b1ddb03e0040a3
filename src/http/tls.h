/*
 * tls.h - HTTPS for the server (http/tls.c): the certificate and key read at
 * start and again on SIGHUP, handed to libmicrohttpd through its certificate
 * callback; the priority string that keeps to TLS 1.2+ with AEAD ciphers.
 */
#ifndef HTTP_TLS_H
#define HTTP_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

extern const char TLS_PRIORITIES[];

/* Read the PEM chain (leaf first) and its key; ERR_USAGE naming what is wrong. */
int tls_start(const char *cert_path, const char *key_path, struct err *err);
/* Read the files again; on a problem the certificate in force stays (and it says why). */
void tls_reload(void);
void tls_stop(void);
/*
 * Check a pair without serving it (doctor): the leaf's subject and notAfter
 * (seconds since 1970) when the files are readable, a chain and its key.
 */
int tls_check(const char *cert_path, const char *key_path, char *subject, size_t len,
	      int64_t *expires, struct err *err);

/* For MHD_OPTION_HTTPS_CERT_CALLBACK: a gnutls_certificate_retrieve_function2. */
void *tls_callback(void);

#endif
